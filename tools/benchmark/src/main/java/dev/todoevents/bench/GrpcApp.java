package dev.todoevents.bench;

import com.google.protobuf.Empty;
import io.dapr.v1.AppCallbackGrpc;
import io.dapr.v1.DaprAppCallbackProtos.ListTopicSubscriptionsResponse;
import io.dapr.v1.DaprAppCallbackProtos.TopicEventRequest;
import io.dapr.v1.DaprAppCallbackProtos.TopicEventResponse;
import io.dapr.v1.DaprAppCallbackProtos.TopicSubscription;
import io.grpc.Server;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * The app side of Dapr over gRPC ({@code --app-protocol grpc}): the sidecar asks it for its
 * subscriptions and delivers each event with {@code OnTopicEvent}, as the SDK's gRPC service would.
 * Each delivery is handed to {@code onEvent(topic, data)} and answered SUCCESS.
 */
final class GrpcApp implements AutoCloseable {

  private final Server server;

  GrpcApp(int port, String pubsub, List<String> topics, BiConsumer<String, String> onEvent)
      throws IOException {
    AppCallbackGrpc.AppCallbackImplBase service =
        new AppCallbackGrpc.AppCallbackImplBase() {
          @Override
          public void listTopicSubscriptions(
              Empty request, StreamObserver<ListTopicSubscriptionsResponse> out) {
            ListTopicSubscriptionsResponse.Builder b = ListTopicSubscriptionsResponse.newBuilder();
            topics.forEach(
                t ->
                    b.addSubscriptions(
                        TopicSubscription.newBuilder().setPubsubName(pubsub).setTopic(t)));
            out.onNext(b.build());
            out.onCompleted();
          }

          @Override
          public void onTopicEvent(
              TopicEventRequest request, StreamObserver<TopicEventResponse> out) {
            onEvent.accept(request.getTopic(), request.getData().toString(StandardCharsets.UTF_8));
            out.onNext(
                TopicEventResponse.newBuilder()
                    .setStatus(TopicEventResponse.TopicEventResponseStatus.SUCCESS)
                    .build());
            out.onCompleted();
          }
        };
    server =
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", port))
            .addService(service)
            .build()
            .start();
  }

  @Override
  public void close() throws InterruptedException {
    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }
}
