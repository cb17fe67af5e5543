package dev.todoevents.task.api;

import static java.lang.annotation.ElementType.FIELD;
import static java.lang.annotation.ElementType.METHOD;
import static java.lang.annotation.ElementType.PARAMETER;
import static java.lang.annotation.RetentionPolicy.RUNTIME;

import dev.todoevents.contracts.TaskData;
import dev.todoevents.contracts.Timestamps;
import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;
import java.lang.annotation.Retention;
import java.lang.annotation.Target;
import java.time.Instant;

/**
 * Bean Validation constraints that apply the event contract's rules (libs/event-contracts), so that
 * POST, PUT and PATCH accept exactly the values the event schemas, and so every consumer, accept.
 * Null passes: whether a field is required is said separately.
 */
public final class ContractRules {

  private ContractRules() {}

  /** {@link TaskData#isValidTitle}: something visible, no control characters. */
  @Target({FIELD, METHOD, PARAMETER})
  @Retention(RUNTIME)
  @Constraint(validatedBy = TitleCheck.class)
  public @interface Title {
    String message() default TaskData.TITLE_RULE;

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};
  }

  /** {@link TaskData#isValidDescription}: no control characters but tab, CR and LF. */
  @Target({FIELD, METHOD, PARAMETER})
  @Retention(RUNTIME)
  @Constraint(validatedBy = DescriptionCheck.class)
  public @interface Description {
    String message() default TaskData.DESCRIPTION_RULE;

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};
  }

  /** {@link Timestamps#contains}: the one range of timestamps the system takes. */
  @Target({FIELD, METHOD, PARAMETER})
  @Retention(RUNTIME)
  @Constraint(validatedBy = InRangeCheck.class)
  public @interface InTimestampRange {
    String message() default "must be " + Timestamps.RANGE;

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};
  }

  public static class TitleCheck implements ConstraintValidator<Title, String> {
    @Override
    public boolean isValid(String value, ConstraintValidatorContext context) {
      return value == null || TaskData.isValidTitle(value);
    }
  }

  public static class DescriptionCheck implements ConstraintValidator<Description, String> {
    @Override
    public boolean isValid(String value, ConstraintValidatorContext context) {
      return value == null || TaskData.isValidDescription(value);
    }
  }

  public static class InRangeCheck implements ConstraintValidator<InTimestampRange, Instant> {
    @Override
    public boolean isValid(Instant value, ConstraintValidatorContext context) {
      return value == null || Timestamps.contains(value);
    }
  }
}
