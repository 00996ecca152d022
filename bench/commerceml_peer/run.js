'use strict';
// The peer for bench/commerceml_bench: parses one CommerceML file with the npm package
// commerceml-parser (the packaged parser users reach for) and reports how fast it went.
//   node run.js import|offers FILE
// Modules resolve through NODE_PATH (scripts/bench_commerceml.sh installs them under build/).
// Output, one line each on stdout (the bench reads them; a timeout keeps the last progress line):
//   progress <bytes read> <records> <seconds>     about once a second
//   done <bytes read> <records> <seconds>
// Every record is handed to the package's own callback, which builds its typed object, exactly
// as an application would receive it; the callbacks only count.
const fs = require('fs');
const {StringDecoder} = require('string_decoder');
const {CommerceMlImportParser, CommerceMlOffersParser} = require('commerceml-parser');

const [kind, file] = process.argv.slice(2);
if ((kind !== 'import' && kind !== 'offers') || !file) {
  console.error('usage: node run.js import|offers FILE');
  process.exit(2);
}

let bytes = 0;
let records = 0;
const started = process.hrtime.bigint();
const seconds = () => Number(process.hrtime.bigint() - started) / 1e9;
const report = word => process.stdout.write(`${word} ${bytes} ${records} ${seconds().toFixed(3)}\n`);

// parse(stream) would set the stream to utf8 itself; this generator does the same decoding and
// also counts the bytes consumed, so a run cut short by the bench's timeout still has a rate.
async function * chunks(path) {
  const decoder = new StringDecoder('utf8');
  for await (const buffer of fs.createReadStream(path, {highWaterMark: 1 << 16})) {
    bytes += buffer.length;
    yield decoder.write(buffer);
  }
  const tail = decoder.end();
  if (tail) {
    yield tail;
  }
}

async function main() {
  const count = () => {
    records++;
  };
  let parser;
  if (kind === 'import') {
    parser = new CommerceMlImportParser();
    parser.onClassifierGroup(count);
    parser.onClassifierProperty(count);
    parser.onProduct(count);
  } else {
    parser = new CommerceMlOffersParser();
    parser.onWarehouse(count);
    parser.onOffer(count);
  }
  const ticker = setInterval(() => report('progress'), 1000);
  try {
    await parser.parseIterable(chunks(file));
  } finally {
    clearInterval(ticker);
  }
  report('done');
}

main().catch(error => {
  console.error(`commerceml-parser failed after ${bytes} bytes, ${records} records: ${error.stack || error}`);
  process.exit(1);
});
