// Validates an AsyncAPI document with the AsyncAPI Initiative's parser (@asyncapi/parser, installed
// by tools/bootstrap.sh --with-docs into .runtime/node/asyncapi), following its $refs to files.
// Prints every diagnostic as file:line: severity message; exit 1 if any is an error.
//   node tools/asyncapi/validate.cjs FILE [PARSER_PREFIX]
const path = require('path');
const file = path.resolve(process.argv[2] || 'libs/event-contracts/src/main/resources/asyncapi.yaml');
const prefix = process.argv[3] || path.join(__dirname, '..', '..', '.runtime', 'node', 'asyncapi');
let parserModule;
try {
  parserModule = require(require.resolve('@asyncapi/parser', { paths: [prefix] }));
} catch (e) {
  console.error(`no @asyncapi/parser under ${prefix}: run tools/bootstrap.sh --with-docs`);
  process.exit(2);
}
const { Parser, fromFile } = parserModule;
const severities = ['error', 'warning', 'info', 'hint'];
(async () => {
  const { document, diagnostics } = await fromFile(new Parser(), file).parse();
  for (const d of diagnostics) {
    const line = d.range && d.range.start ? d.range.start.line + 1 : 0;
    console.log(`${d.source || file}:${line}: ${severities[d.severity]} [${d.code}] ${d.message} (${(d.path || []).join('.')})`);
  }
  const errors = diagnostics.filter((d) => d.severity === 0).length;
  if (!document || errors > 0) {
    console.log(`asyncapi: ${errors} error(s) in ${file}`);
    process.exit(1);
  }
  console.log(`asyncapi: ${file} is valid AsyncAPI ${document.version()}: ${document.channels().length} channels, ${document.operations().length} operations, ${document.messages().length} messages`);
})().catch((e) => {
  console.error(e.stack || String(e));
  process.exit(1);
});
