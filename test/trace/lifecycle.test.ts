// A program whose processes change while it is traced (test/trace/programs/lifecycle.c): one that execs
// another program image, one that forks a child using librdkafka. What each image and process delivered
// must all be in the trace.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { counts, ofType, programUnderTest, said, trace } from './support.ts';

const p = programUnderTest('lifecycle');

test('a program that execs: the events of the image before the exec are kept beside those after it', async () => {
  const r = await trace(p.bindings, [p.program, 'exec'], { env: p.env });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(said(r.stdout, 'before').length, 1);
  assert.match(r.stdout, /before exec delivered=3\nchild delivered=4\n/);
  // One producer per image, each with its delivery reports: the first image's were buffered at its exec.
  assert.equal(counts(r.events).handle_created, 2, r.stderr);
  assert.equal(counts(r.events).handle_destroyed, 2);
  assert.equal(counts(r.events).dr, 7);
  assert.deepEqual(
    ofType(r.events, 'dr').map((e) => e.handle),
    [...Array<string>(3).fill('rdkafka#producer-1'), ...Array<string>(4).fill('rdkafka#producer-1')],
  );
});

test('a program that forks a child using librdkafka: the child is a traced process of its own, its events named by its pid', async () => {
  const r = await trace(p.bindings, [p.program, 'fork'], { env: p.env });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /parent delivered=3\n(.|\n)*forked delivered=4\n(.|\n)*parent again delivered=2\n/);
  assert.equal(counts(r.events).dr, 9);
  const child = ofType(r.events, 'handle_created').find((e) => / \(pid \d+\)$/.test(e.data.name));
  assert.ok(child, 'the forked child has a handle of its own');
  assert.equal(ofType(r.events, 'dr').filter((e) => e.handle === child.handle).length, 4);
  // The summary counts the child as a second process that called librdkafka.
  assert.match(r.stderr, /lifecycle \(librdkafka [^)]+\) and 1 more process\(es\): exit 0/);
});

test('a program started by a shell: the summary names the program that called librdkafka, not the shell', async () => {
  // `; true`: the shell forks the program and waits, instead of becoming it.
  const r = await trace(p.bindings, ['/bin/sh', '-c', `'${p.program}' child; true`], { env: p.env });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'child delivered=4\n');
  assert.match(r.stderr, /rdkafka-workbench trace: lifecycle \(librdkafka [^)]+\): exit 0; events: /);
});
