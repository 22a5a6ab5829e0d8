// The official Qdrant REST client (@qdrant/js-client-rest) against a Quiver node: every call the
// scenario makes must work and answer what a brute-force computation over the same data says.
//
//   node scenario.mjs <port> [seed]
//
// Exits 0 when every check passes; otherwise prints the failed check and exits 1. Run by
// RestJsClientScenarioTest, which starts the node.
import { QdrantClient } from '@qdrant/js-client-rest';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const port = Number(process.argv[2]);
const seed = Number(process.argv[3] ?? 20261121);
if (!Number.isInteger(port) || port <= 0) {
  console.error('usage: node scenario.mjs <port> [seed]');
  process.exit(2);
}
console.log(`scenario: port ${port}, seed ${seed}`);

const DIM = 32;
const N = 10_000;
const BATCH = 1_000;
const CITIES = ['Berlin', 'Paris', 'Lisbon', 'Oslo'];
const COLLECTION = 'js_docs';

const client = new QdrantClient({ url: `http://127.0.0.1:${port}`, checkCompatibility: true });

// ------------------------------------------------------------------ helpers

function check(condition, message) {
  if (!condition) {
    throw new Error(`check failed: ${message}`);
  }
}

function equal(actual, expected, message) {
  const a = JSON.stringify(actual);
  const e = JSON.stringify(expected);
  check(a === e, `${message}: expected ${e}, got ${a}`);
}

/** mulberry32: a small seeded generator, so a failure can be replayed with its seed. */
function random(s) {
  let state = s >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const rand = random(seed);
const randomVector = () => Array.from({ length: DIM }, () => rand() * 2 - 1);

function normalize(v) {
  const norm = Math.sqrt(v.reduce((s, x) => s + x * x, 0));
  return norm === 0 ? v : v.map((x) => x / norm);
}

const dot = (a, b) => a.reduce((s, x, i) => s + x * b[i], 0);

const vectors = Array.from({ length: N }, randomVector);
const unit = vectors.map((v) => normalize(Float32Array.from(v)));
const payloadOf = (i) => ({ city: CITIES[i % CITIES.length], n: i, even: i % 2 === 0 });
let payloads = Array.from({ length: N }, (_, i) => payloadOf(i));
let live = new Set(Array.from({ length: N }, (_, i) => i));

/** The exact top-k by cosine over the live points passing `accept`. */
function bruteForce(query, k, accept = () => true, exclude = -1) {
  const q = normalize(Float32Array.from(query));
  const scored = [];
  for (const id of live) {
    if (id !== exclude && accept(payloads[id])) {
      scored.push({ id, score: dot(q, unit[id]) });
    }
  }
  scored.sort((a, b) => b.score - a.score || a.id - b.id);
  return scored.slice(0, k);
}

/** Same ids in the same order, except where two results tie within float precision. */
function sameHits(actual, expected, message) {
  equal(actual.length, expected.length, `${message}: result count`);
  for (let i = 0; i < expected.length; i++) {
    const close = Math.abs(actual[i].score - expected[i].score) < 1e-4;
    check(
      close && (actual[i].id === expected[i].id || Math.abs(expected[i].score - actual[i].score) < 1e-5),
      `${message}: rank ${i} expected id ${expected[i].id} (${expected[i].score}), got id ${actual[i].id} (${actual[i].score})`,
    );
  }
}

async function expectError(promise, status, fragment, message) {
  try {
    await promise;
  } catch (e) {
    const error = e?.data?.status?.error ?? e?.message ?? String(e);
    check(e?.status === status, `${message}: expected HTTP ${status}, got ${e?.status}: ${error}`);
    check(error.includes(fragment), `${message}: error '${error}' should mention '${fragment}'`);
    return;
  }
  throw new Error(`check failed: ${message}: expected HTTP ${status}, the call succeeded`);
}

const berlinFirstHalf = {
  must: [
    { key: 'city', match: { value: 'Berlin' } },
    { key: 'n', range: { lt: N / 2 } },
  ],
};
const acceptBerlinFirstHalf = (p) => p.city === 'Berlin' && p.n < N / 2;

// ------------------------------------------------------------------ the scenario

async function collections() {
  const info = await client.versionInfo();
  check(typeof info.version === 'string', 'GET / reports a version');
  if ((await client.collectionExists(COLLECTION)).exists) {
    await client.deleteCollection(COLLECTION);
  }
  equal(
    await client.createCollection(COLLECTION, {
      vectors: { size: DIM, distance: 'Cosine' },
      optimizers_config: { indexing_threshold: 400 },
      hnsw_config: { m: 16, ef_construct: 64 },
    }),
    true,
    'createCollection',
  );
  equal((await client.collectionExists(COLLECTION)).exists, true, 'collectionExists');
  const list = await client.getCollections();
  check(list.collections.some((c) => c.name === COLLECTION), 'getCollections lists the collection');
  await expectError(
    client.createCollection(COLLECTION, { vectors: { size: DIM, distance: 'Cosine' } }),
    409,
    COLLECTION,
    'creating it twice',
  );
  equal(
    await client.updateCollection(COLLECTION, { optimizers_config: { deleted_threshold: 0.3 } }),
    true,
    'updateCollection',
  );
}

async function upsert() {
  for (let start = 0; start < N; start += BATCH) {
    const ids = Array.from({ length: BATCH }, (_, j) => start + j);
    let result;
    if ((start / BATCH) % 2 === 0) {
      result = await client.upsert(COLLECTION, {
        wait: true,
        points: ids.map((id) => ({ id, vector: vectors[id], payload: payloads[id] })),
      });
    } else {
      result = await client.upsert(COLLECTION, {
        wait: true,
        batch: { ids, vectors: ids.map((id) => vectors[id]), payloads: ids.map((id) => payloads[id]) },
      });
    }
    equal(result.status, 'completed', `upsert batch at ${start}`);
    check(Number.isInteger(result.operation_id), 'upsert answers an operation id');
  }
  const info = await client.getCollection(COLLECTION);
  equal(info.points_count, N, 'points_count after the upsert');
  equal(info.config.params.vectors.size, DIM, 'config.params.vectors.size');
  equal(info.config.params.vectors.distance, 'Cosine', 'config.params.vectors.distance');
  equal(info.config.hnsw_config.m, 16, 'config.hnsw_config.m');
  equal(info.config.optimizer_config.deleted_threshold, 0.3, 'updated deleted_threshold');
  check(['green', 'yellow', 'grey'].includes(info.status), `status ${info.status}`);
  const optimizations = await client.getOptimizations(COLLECTION, { with: 'completed' });
  check(Array.isArray(optimizations.running), 'optimizations.running is a list');
}

async function search() {
  for (let q = 0; q < 5; q++) {
    const query = randomVector();
    const hits = await client.search(COLLECTION, {
      vector: query,
      limit: 10,
      params: { exact: true },
      with_payload: true,
    });
    sameHits(hits, bruteForce(query, 10), `exact search ${q}`);
    for (const hit of hits) {
      equal(hit.payload, payloads[hit.id], `payload of hit ${hit.id}`);
    }
    const filtered = await client.search(COLLECTION, {
      vector: query,
      limit: 10,
      filter: berlinFirstHalf,
      params: { exact: true },
      with_payload: false,
    });
    sameHits(filtered, bruteForce(query, 10, acceptBerlinFirstHalf), `filtered exact search ${q}`);
    check(filtered.every((h) => h.payload == null), 'with_payload false leaves the payload out');
  }
  // Approximate search (HNSW where segments are indexed) finds most of the true neighbours.
  let found = 0;
  for (let q = 0; q < 20; q++) {
    const query = randomVector();
    const truth = new Set(bruteForce(query, 10).map((h) => h.id));
    const hits = await client.search(COLLECTION, { vector: query, limit: 10, params: { hnsw_ef: 128 } });
    found += hits.filter((h) => truth.has(h.id)).length;
  }
  check(found / 200 >= 0.9, `approximate recall@10 ${found / 200} >= 0.9`);

  const queries = [randomVector(), randomVector()];
  const batch = await client.searchBatch(COLLECTION, {
    searches: queries.map((vector) => ({ vector, limit: 5, params: { exact: true } })),
  });
  equal(batch.length, 2, 'searchBatch answers one list per search');
  batch.forEach((hits, i) => sameHits(hits, bruteForce(queries[i], 5), `searchBatch ${i}`));

  const paged = await client.search(COLLECTION, {
    vector: queries[0],
    limit: 5,
    offset: 5,
    params: { exact: true },
  });
  sameHits(paged, bruteForce(queries[0], 10).slice(5), 'search with offset');
  const threshold = bruteForce(queries[0], 3)[2].score - 1e-6;
  const above = await client.search(COLLECTION, {
    vector: queries[0],
    limit: 10,
    score_threshold: threshold,
    params: { exact: true },
  });
  equal(above.length, 3, 'score_threshold keeps the results at or above it');
}

async function query() {
  const vector = randomVector();
  const byVector = await client.query(COLLECTION, { query: vector, limit: 10, params: { exact: true } });
  sameHits(byVector.points, bruteForce(vector, 10), 'query by vector');
  const nearest = await client.query(COLLECTION, {
    query: { nearest: vector },
    filter: berlinFirstHalf,
    limit: 7,
    params: { exact: true },
    with_payload: ['city'],
  });
  sameHits(nearest.points, bruteForce(vector, 7, acceptBerlinFirstHalf), 'query nearest with filter');
  check(
    nearest.points.every((p) => p.payload.city === 'Berlin' && p.payload.n === undefined),
    'with_payload include list',
  );
  const byId = await client.query(COLLECTION, { query: 42, limit: 10, params: { exact: true } });
  sameHits(byId.points, bruteForce(vectors[42], 10, () => true, 42), 'query by point id');
  const batch = await client.queryBatch(COLLECTION, {
    searches: [
      { query: vector, limit: 3, params: { exact: true } },
      { query: 7, limit: 3, params: { exact: true } },
    ],
  });
  sameHits(batch[0].points, bruteForce(vector, 3), 'queryBatch 0');
  sameHits(batch[1].points, bruteForce(vectors[7], 3, () => true, 7), 'queryBatch 1');
  await expectError(
    client.query(COLLECTION, { query: { fusion: 'rrf' }, prefetch: [{ query: vector }] }),
    400,
    'prefetch',
    'prefetch is refused',
  );
  await expectError(
    client.query(COLLECTION, { query: { recommend: { positive: [1] } } }),
    400,
    'recommend',
    'recommend queries are refused',
  );
}

async function scrollCountRetrieve() {
  const seen = [];
  let offset;
  do {
    const page = await client.scroll(COLLECTION, { limit: 1_000, offset, with_payload: false });
    page.points.forEach((p) => seen.push(p.id));
    offset = page.next_page_offset ?? undefined;
  } while (offset !== undefined);
  equal(seen.length, N, 'scroll visits every point');
  equal(seen, Array.from({ length: N }, (_, i) => i), 'scroll goes in id order');

  const berlin = await client.scroll(COLLECTION, {
    filter: berlinFirstHalf,
    limit: 10_000,
    with_payload: true,
  });
  const expectedBerlin = [...live].filter((id) => acceptBerlinFirstHalf(payloads[id]));
  equal(berlin.points.map((p) => p.id), expectedBerlin, 'scroll with a filter');
  equal(berlin.next_page_offset ?? null, null, 'last page has no next offset');

  equal((await client.count(COLLECTION, { exact: true })).count, N, 'count');
  equal(
    (await client.count(COLLECTION, { filter: berlinFirstHalf, exact: true })).count,
    expectedBerlin.length,
    'count with a filter',
  );

  const records = await client.retrieve(COLLECTION, { ids: [1, 2, 3], with_payload: true, with_vector: true });
  equal(records.map((r) => r.id), [1, 2, 3], 'retrieve ids');
  records.forEach((r) => {
    equal(r.payload, payloads[r.id], `retrieved payload ${r.id}`);
    equal(r.vector.length, DIM, `retrieved vector ${r.id}`);
  });
}

async function payloadUpdates() {
  const update = async (promise, message) => equal((await promise).status, 'completed', message);
  await update(client.setPayload(COLLECTION, { points: [1, 2], payload: { flag: 'x' }, wait: true }), 'setPayload');
  await update(
    client.setPayload(COLLECTION, { points: [5], payload: { inner: 1 }, key: 'meta', wait: true }),
    'setPayload with key',
  );
  await update(client.overwritePayload(COLLECTION, { points: [3], payload: { only: 1 }, wait: true }), 'overwritePayload');
  await update(client.deletePayload(COLLECTION, { points: [1], keys: ['n'], wait: true }), 'deletePayload');
  await update(client.clearPayload(COLLECTION, { points: [4], wait: true }), 'clearPayload');
  await update(
    client.setPayload(COLLECTION, {
      filter: { must: [{ key: 'n', range: { gte: 9990 } }] },
      payload: { tail: true },
      wait: true,
    }),
    'setPayload by filter',
  );
  payloads[1] = { city: payloads[1].city, even: payloads[1].even, flag: 'x' };
  payloads[2] = { ...payloads[2], flag: 'x' };
  payloads[3] = { only: 1 };
  payloads[4] = {};
  payloads[5] = { ...payloads[5], meta: { inner: 1 } };
  for (let i = 9990; i < N; i++) {
    payloads[i] = { ...payloads[i], tail: true };
  }
  const records = await client.retrieve(COLLECTION, { ids: [1, 2, 3, 4, 5, 9995], with_payload: true });
  for (const r of records) {
    equal(r.payload, payloads[r.id], `payload of ${r.id} after the updates`);
  }
  equal((await client.count(COLLECTION, { filter: { must: [{ key: 'tail', match: { value: true } }] } })).count, 10, 'payload set by filter');
}

async function fieldIndex() {
  const created = await client.createPayloadIndex(COLLECTION, { field_name: 'city', field_schema: 'keyword', wait: true });
  equal(created.status, 'completed', 'createPayloadIndex');
  await client.createPayloadIndex(COLLECTION, { field_name: 'n', field_schema: { type: 'integer' }, wait: true });
  let info = await client.getCollection(COLLECTION);
  equal(info.payload_schema.city?.data_type, 'keyword', 'payload_schema.city');
  equal(info.payload_schema.n?.data_type, 'integer', 'payload_schema.n');
  equal(info.payload_schema.city?.points, [...live].filter((id) => payloads[id].city !== undefined).length, 'indexed points');
  // Indexed filters give the same answers.
  const vector = randomVector();
  const hits = await client.search(COLLECTION, { vector, limit: 10, filter: berlinFirstHalf, params: { exact: true } });
  sameHits(hits, bruteForce(vector, 10, acceptBerlinFirstHalf), 'search on indexed fields');
  await client.deletePayloadIndex(COLLECTION, 'n', { wait: true });
  info = await client.getCollection(COLLECTION);
  equal(info.payload_schema.n, undefined, 'deleted index leaves the schema');
  await expectError(
    client.createPayloadIndex(COLLECTION, { field_name: 'where', field_schema: 'geo', wait: true }),
    400,
    'field_schema',
    'unsupported index type',
  );
}

async function deletes() {
  const ids = Array.from({ length: 100 }, (_, i) => i + 100);
  equal((await client.delete(COLLECTION, { points: ids, wait: true })).status, 'completed', 'delete by ids');
  ids.forEach((id) => live.delete(id));
  const paris = { must: [{ key: 'city', match: { value: 'Paris' } }] };
  await client.delete(COLLECTION, { filter: paris, wait: true });
  [...live].filter((id) => payloads[id].city === 'Paris').forEach((id) => live.delete(id));
  equal((await client.count(COLLECTION, {})).count, live.size, 'count after the deletes');
  const vector = randomVector();
  const hits = await client.search(COLLECTION, { vector, limit: 10, params: { exact: true } });
  sameHits(hits, bruteForce(vector, 10), 'search after the deletes');
  equal(await client.retrieve(COLLECTION, { ids: [100, 150] }), [], 'deleted points are gone');
}

async function aliases() {
  await client.updateCollectionAliases({
    actions: [{ create_alias: { collection_name: COLLECTION, alias_name: 'js_alias' } }],
  });
  const all = await client.getAliases();
  check(
    all.aliases.some((a) => a.alias_name === 'js_alias' && a.collection_name === COLLECTION),
    'getAliases lists the alias',
  );
  equal((await client.count('js_alias', {})).count, live.size, 'count through the alias');
  await client.updateCollectionAliases({
    actions: [{ rename_alias: { old_alias_name: 'js_alias', new_alias_name: 'js_alias2' } }],
  });
  equal(
    (await client.getCollectionAliases(COLLECTION)).aliases.map((a) => a.alias_name),
    ['js_alias2'],
    'getCollectionAliases after the rename',
  );
  await client.updateCollectionAliases({ actions: [{ delete_alias: { alias_name: 'js_alias2' } }] });
  equal((await client.getCollectionAliases(COLLECTION)).aliases, [], 'alias deleted');
}

async function snapshots() {
  const snapshot = await client.createSnapshot(COLLECTION, { wait: true });
  check(snapshot.name.endsWith('.snapshot') && snapshot.size > 0, `snapshot ${JSON.stringify(snapshot)}`);
  const listed = await client.listSnapshots(COLLECTION);
  check(listed.some((s) => s.name === snapshot.name), 'listSnapshots lists it');

  const response = await fetch(
    `http://127.0.0.1:${port}/collections/${COLLECTION}/snapshots/${encodeURIComponent(snapshot.name)}`,
  );
  equal(response.status, 200, 'snapshot download');
  const bytes = Buffer.from(await response.arrayBuffer());
  equal(createHash('sha256').update(bytes).digest('hex'), snapshot.checksum, 'downloaded checksum');
  const dir = mkdtempSync(join(tmpdir(), 'quiver-js-'));
  try {
    const file = join(dir, snapshot.name);
    writeFileSync(file, bytes);
    const restored = 'js_restored';
    if ((await client.collectionExists(restored)).exists) {
      await client.deleteCollection(restored);
    }
    equal(
      await client.recoverSnapshot(restored, { location: `file://${file}`, checksum: snapshot.checksum }),
      true,
      'recoverSnapshot',
    );
    equal((await client.count(restored, {})).count, live.size, 'count of the recovered collection');
    const vector = randomVector();
    sameHits(
      await client.search(restored, { vector, limit: 10, params: { exact: true } }),
      bruteForce(vector, 10),
      'search the recovered collection',
    );
    await expectError(
      client.recoverSnapshot(restored, { location: `file://${file}`, checksum: '0'.repeat(64) }),
      400,
      'checksum',
      'a wrong checksum is refused',
    );
    equal(await client.deleteCollection(restored), true, 'delete the recovered collection');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  equal(await client.deleteSnapshot(COLLECTION, snapshot.name), true, 'deleteSnapshot');
  check(!(await client.listSnapshots(COLLECTION)).some((s) => s.name === snapshot.name), 'snapshot deleted');
}

async function errors() {
  await expectError(
    client.search(COLLECTION, { vector: [1, 2, 3], limit: 3 }),
    400,
    'dimension',
    'wrong query dimension',
  );
  await expectError(client.count('no_such_collection', {}), 404, 'no_such_collection', 'unknown collection');
  await expectError(
    client.upsert(COLLECTION, { wait: true, points: [{ id: -1, vector: vectors[0] }] }),
    400,
    'points[0].id',
    'negative id',
  );
  await expectError(
    client.search(COLLECTION, { vector: randomVector(), limit: 0 }),
    400,
    'limit',
    'limit 0',
  );
  equal((await client.count(COLLECTION, {})).count, live.size, 'the node still serves');
}

const steps = [collections, upsert, search, query, scrollCountRetrieve, payloadUpdates, fieldIndex, deletes, aliases, snapshots, errors];
try {
  for (const step of steps) {
    const started = Date.now();
    await step();
    console.log(`ok ${step.name} (${Date.now() - started} ms)`);
  }
  equal(await client.deleteCollection(COLLECTION), true, 'deleteCollection');
  equal((await client.collectionExists(COLLECTION)).exists, false, 'deleted collection is gone');
  console.log('scenario passed');
} catch (e) {
  console.error(e?.stack ?? e);
  if (e?.data) {
    console.error(JSON.stringify(e.data));
  }
  process.exit(1);
}
