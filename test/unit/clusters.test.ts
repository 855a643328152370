// Credentials are bound to the cluster they were stored for (extension/clusters.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  brokerKey,
  clusterKey,
  covers,
  credentialsFor,
  needsApproval,
  parseStore,
} from '../../extension/kernel/clusters.ts';

test('broker addresses are compared the way librdkafka reads them', () => {
  assert.equal(brokerKey('Broker1.Example.COM'), 'broker1.example.com:9092');
  assert.equal(brokerKey(' SASL_SSL://b:9093 '), 'b:9093');
  assert.equal(brokerKey('[::1]:9092'), '[::1]:9092');
  assert.equal(brokerKey('[::1]'), '[::1]:9092');
  assert.equal(clusterKey('b2:9092, b1:9092,b2'), 'b1:9092,b2:9092');
});

test('stored credentials go only to brokers of the cluster they were stored for', () => {
  const store = { [clusterKey('a1:9092,a2:9092')]: { 'sasl.username': 'alice' } };
  assert.equal(credentialsFor(store, 'a2:9092,a1:9092')?.config['sasl.username'], 'alice');
  assert.equal(credentialsFor(store, 'A1')?.config['sasl.username'], 'alice', 'a subset of its brokers');
  assert.equal(credentialsFor(store, 'someone-elses-host:9092'), undefined);
  assert.equal(
    credentialsFor(store, 'a1:9092,someone-elses-host:9092'),
    undefined,
    'one foreign broker is enough to refuse',
  );
  assert.equal(credentialsFor(store, 'a1:9093'), undefined, 'another port is another broker');
  assert.equal(credentialsFor(store, ''), undefined);
  assert.equal(covers('a1:9092', ''), false);
});

test('a cluster named by the notebook or the workspace needs approval unless approved or holding credentials', () => {
  const store = { [clusterKey('mine:9092')]: { 'sasl.username': 'alice' } };
  assert.equal(needsApproval('mock', 'notebook metadata', [], {}), false);
  assert.equal(needsApproval('theirs:9092', 'notebook metadata', [], store), true);
  assert.equal(needsApproval('theirs:9092', 'workspace settings', [], store), true);
  assert.equal(needsApproval('theirs:9092', 'user settings', [], store), false, "the user's own setting");
  assert.equal(needsApproval('theirs:9092', 'notebook metadata', ['theirs:9092'], store), false);
  assert.equal(needsApproval('mine', 'notebook metadata', [], store), false);
});

test('an unreadable store is empty, and only string properties are kept', () => {
  assert.deepEqual(parseStore(undefined), {});
  assert.deepEqual(parseStore('not json'), {});
  assert.deepEqual(parseStore('[1]'), {});
  assert.deepEqual(parseStore('{"a:9092": {"sasl.username": "u", "n": 1}, "b": 2}'), {
    'a:9092': { 'sasl.username': 'u' },
  });
});
