// The benchmark report's pure pieces: medians, ratios against the C reference of the same run, targets,
// the markdown table, and reading other rooms' bench output. A wrong ratio here would misreport every run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  evaluate,
  formatValue,
  markdownTable,
  median,
  withRatios,
  type CaseResult,
  type Target,
} from '../../bench/stats.ts';
import { parseBenchOutput, parseGenLine, parsePanelOutput } from '../../bench/parse.ts';

const c = (name: string, impl: string, runs: number[], cpu?: number[]): CaseResult => ({
  name,
  impl,
  runs,
  median: null,
  unit: 'msgs/s',
  ratio_vs_c: null,
  ...(cpu ? { cpu_us_per_msg: cpu } : {}),
});

test('median: odd and even counts, unsorted input left untouched, empty is null', () => {
  const xs = [5, 1, 3];
  assert.equal(median(xs), 3);
  assert.deepEqual(xs, [5, 1, 3]);
  assert.equal(median([4, 1, 3, 2]), 2.5);
  assert.equal(median([7]), 7);
  assert.equal(median([]), null);
});

test('withRatios: each case against the C reference of its own group, by throughput and by CPU', () => {
  const cases = withRatios(
    [
      c('produce', 'C', [100, 300, 200], [0.4, 0.4, 0.5]),
      c('produce', 'kernel', [50, 150, 100], [0.8, 0.9, 0.8]),
      c('consume', 'C', [1000]),
      c('consume', 'kernel', [400]),
      c('other', 'x', [1, 2, 3]),
    ],
    { produce: 'C', consume: 'C' },
  );
  const by = (name: string, impl: string) => cases.find((x) => x.name === name && x.impl === impl)!;
  assert.equal(by('produce', 'kernel').median, 100);
  assert.equal(by('produce', 'kernel').ratio_vs_c, 0.5);
  assert.equal(by('produce', 'C').ratio_vs_c, 1);
  assert.equal(by('produce', 'kernel').cpu_median, 0.8);
  assert.equal(by('produce', 'kernel').cpu_ratio_vs_c, 2, 'CPU ratio: how many times C’s CPU per message');
  assert.equal(by('consume', 'kernel').ratio_vs_c, 0.4, 'never against another group’s reference');
  assert.equal(by('other', 'x').ratio_vs_c, null, 'a group without a reference has no ratio');
  assert.equal(by('consume', 'kernel').cpu_ratio_vs_c, undefined, 'no CPU figures, no CPU ratio');
});

test('withRatios: a skipped reference (no runs) gives no ratios rather than dividing by nothing', () => {
  const cases = withRatios([c('produce', 'C', []), c('produce', 'kernel', [10])], { produce: 'C' });
  assert.equal(cases[1]!.ratio_vs_c, null);
});

test('evaluate: min-ratio against C or another implementation, bounds on the median or the worst run', () => {
  const cases = withRatios(
    [
      c('produce', 'C', [100], [0.4]),
      c('produce', 'on', [90], [0.5]),
      c('produce', 'off', [100], [0.45]),
      { ...c('start', 'cold', [120, 310, 150]), unit: 'ms' },
    ],
    { produce: 'C' },
  );
  const targets: Target[] = [
    { name: 'produce', impl: 'on', text: '≥ 0.95x C', kind: 'min-ratio', value: 0.95 },
    { name: 'produce', impl: 'on', text: '≥ 0.85x off', kind: 'min-ratio', value: 0.85, vs: 'off' },
    { name: 'start', impl: 'cold', text: '< 300 ms', kind: 'max-value', value: 300 },
    { name: 'start', impl: 'cold', text: 'worst < 300', kind: 'max-value', value: 300, of: 'worst' },
    { name: 'start', impl: 'cold', text: '≥ 100', kind: 'min-value', value: 100 },
    { name: 'produce', impl: 'missing', text: 'x', kind: 'min-ratio', value: 1 },
  ];
  const [vsC, vsOff, med, worst, min, missing] = evaluate(cases, targets, { produce: 'C' });
  assert.equal(vsC!.actual, 0.9);
  assert.equal(vsC!.met, false);
  assert.equal(vsC!.cpu_actual, 0.4 / 0.5, 'CPU ratio is reference CPU / this CPU');
  assert.equal(vsOff!.actual, 0.9);
  assert.equal(vsOff!.met, true);
  assert.equal(med!.actual, 150);
  assert.equal(med!.met, true);
  assert.equal(worst!.actual, 310);
  assert.equal(worst!.met, false, 'the worst run can miss while the median meets it');
  assert.equal(min!.met, true);
  assert.deepEqual([missing!.actual, missing!.met], [null, null], 'a case that did not run is not judged');
});

test('formatValue: rates with thousands separators, small values with two decimals, none as a dash', () => {
  assert.equal(formatValue(1234567.8, 'msgs/s'), '1,234,568');
  assert.equal(formatValue(93000, 'events/s'), '93,000');
  assert.equal(formatValue(1.5, 'ms'), '1.50');
  assert.equal(formatValue(42.25, 'ms'), '42.3');
  assert.equal(formatValue(842.4, 'ms'), '842');
  assert.equal(formatValue(null, 'ms'), '–');
});

test('markdownTable: a row per case with runs, ratio, CPU and the verdict of its targets', () => {
  const cases = withRatios(
    [
      c('produce', 'C', [2_000_000], [0.4]),
      c('produce', 'kernel', [1_000_000, 1_200_000, 800_000], [0.8, 0.8, 0.9]),
      { ...c('produce', 'kafkajs', []), skipped: 'not installed' },
      { ...c('produce', 'pypy', [1_500_000]), failures: ['round 2: timeout'], note: '200,000 messages' },
    ],
    { produce: 'C' },
  );
  const results = evaluate(
    cases,
    [{ name: 'produce', impl: 'kernel', text: '≥ 0.65x C', kind: 'min-ratio', value: 0.65 }],
    { produce: 'C' },
  );
  const rows = markdownTable(cases, results).split('\n');
  assert.equal(rows.length, 2 + 4);
  const kernel = rows.find((r) => r.includes('| kernel |'))!;
  assert.match(
    kernel,
    /\| 1,000,000 \| msgs\/s \| 1,000,000, 1,200,000, 800,000 \| 0\.50x \| 0\.80 \(2\.00x\) \|/,
  );
  assert.match(kernel, /≥ 0\.65x C \(0\.50x; by CPU 0\.50x\): \*\*MISSED\*\*/);
  assert.match(
    rows.find((r) => r.includes('kafkajs'))!,
    /skipped: not installed/,
  );
  const pypy = rows.find((r) => r.includes('pypy'))!;
  assert.match(pypy, /pypy \(200,000 messages\)/);
  assert.match(pypy, /\*\*1 failed\*\*: round 2: timeout/);
});

test('parseBenchOutput: a last JSON line with runs or a median wins; else the text’s median, else the last figure', () => {
  assert.deepEqual(parseBenchOutput('noise\n{"runs":[1,2,3]}\n', 'ms'), [1, 2, 3]);
  assert.deepEqual(parseBenchOutput('{"median": 7.5}', 'ms'), [7.5]);
  assert.deepEqual(
    parseBenchOutput('{"runs":["a"],"median":3}', 'ms'),
    [3],
    'non-numeric runs fall back to the median',
  );
  assert.deepEqual(parseBenchOutput('took 10 ms, then 20 ms; median 15 ms', 'ms'), [15]);
  assert.deepEqual(parseBenchOutput('median 1.2 s', 'ms'), [1200], 'seconds become milliseconds');
  assert.deepEqual(parseBenchOutput('rate 1,234 events/s then 2,000 events/s', 'events/s'), [2000]);
  assert.equal(parseBenchOutput('nothing measured', 'ms'), null);
});

test('parsePanelOutput and parseGenLine read the panel’s and the generator’s own output lines', () => {
  const panel = [
    'timeline  100000 events in 1.1 s (92000/s, panel counted 100000) | frames 60, max 183.0 ms, p99 80.0 ms, >50 ms: 3',
    'reports   100000 events in 1.0 s (95000.5/s, panel counted 100000) | frames 61, max 17.0 ms, p99 9.0 ms, >50 ms: 0',
  ].join('\n');
  assert.deepEqual(parsePanelOutput(panel), { rates: [92000, 95000.5], maxFrames: [183, 17] });
  assert.equal(parsePanelOutput('no panel lines'), null);
  const gen = [
    'gen bench: librdkafka 2.15.1 header',
    '  cold CLI  (node dist/cli.mjs gen): median 478 ms (min 400, max 600, 5 runs) OK',
    '  warm API  (generate() in-process): median 172 ms (min 150, max 200, 5 runs) OK',
  ].join('\n');
  assert.deepEqual(parseGenLine(gen, 'cold'), [478]);
  assert.deepEqual(parseGenLine(gen, 'warm'), [172]);
  assert.equal(parseGenLine('nothing', 'cold'), null);
});
