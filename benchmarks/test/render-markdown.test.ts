// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from 'vitest';
import { int8Target, issue15Targets, issue9Targets, longVideoTarget, memoryModeRows } from '../src/bench-report.js';
import { renderMarkdown } from '../src/render-markdown.js';
import { int8At320Case, int8Interleaved, longVideo, longVideoRun, memoryModes, releasedCase, sampleReport } from './sample-report.js';

describe('renderMarkdown', () => {
  const md = renderMarkdown(sampleReport);

  it('states the machine, its load, the versions and the thread count', () => {
    expect(md).toContain('Test CPU, 2 logical cores (avx2, avx512f), 8 GB');
    expect(md).toContain('1.5 / 1 / 0.5 → 2.5 / 2 / 1');
    expect(md).toContain('onnxruntime-node 1.30.0');
    expect(md).toContain('Threads per session: 2');
  });

  it('lists every video and the mean of each accuracy run, in percent', () => {
    expect(md).toMatch(/\| stationary baseline \| first \|\s+0 \| alpha-walk\s+\|\s+12 \|\s+5 \|\s+20\.0 \|\s+40\.0 \|\s+70\.0 \|/);
    expect(md).toMatch(/\| bravo-car .*\|\s+30\.0 \|\s+60\.0 \|\s+- \|/);
    expect(md).toMatch(/\*\*mean \(2\)\*\* .*\|\s+9 \|\s+\*\*25\.0\*\* \|\s+\*\*50\.0\*\* \|\s+\*\*75\.0\*\* \|/);
  });

  it('has the encoder/floor, decoder and end-to-end rows', () => {
    expect(md).toMatch(
      /\| cpu\s+\|\s+2 \| released 512²\s+\|\s+1200 \|\s+1100–1300 \|\s+160\.00 \| \[21760,256\]x\[256,2048\] \|\s+160\.0 \|\s+1000 \|\s+1\.20 \|\s+6\.0 \+ 9\.0 \|/,
    );
    expect(md).toMatch(/\| cpu\s+\| released 512²\s+\|\s+800 \| project-first\s+\|\s+6000 \|\s+6000–6000 \|\s+1500 \|\s+125\.0 \|/);
    expect(md).toMatch(/\| cpu\s+\| released 512²\s+\|\s+16 \| sample-first\s+\|\s+400\.0 \|/);
    expect(md).toMatch(/\| cpu\s+\| released 512²\s+\|\s+16 \| project-first \(comparison\) \|\s+1600 \|/);
    expect(md).toContain('- cpu / released 512²: N = 16: sample-first 400.0 ms vs project-first 1600 ms per window (project-first / sample-first = 4.0x)');
    expect(md).toContain('`sample-first` for N <= 64, else `project-first`');
    expect(md).toMatch(
      /\| cpu\s+\| released 512²\s+\| balanced \|\s+16 \| sample-first\s+\|\s+16 \|\s+3 \|\s+1500 \| 0\.667 \|\s+1250 \|\s+75\.0 \|\s+400\.0 \|\s+12\.0 \| 174\.0 \|\s+900 \|/,
    );
    expect(md).toMatch(/\| cpu\s+\| released 512²\s+\| balanced \|\s+800 \| project-first\s+\|\s+16 \|/);
    expect(md).toContain('- cpu / released 512²: end to end N=16 1.5, encoder + floor 1.3');
    expect(md).toContain('- not measured: wasm: no factory yet');
  });
});

describe('renderMarkdown: --variants', () => {
  const md = renderMarkdown(sampleReport);

  it('names the variant in its rows and prints the speed-up table under the speed tables', () => {
    expect(md).toMatch(/\| cpu\s+\|\s+2 \| released 320² int8 \|\s+600\.0 \|/);
    const table = md.indexOf('### Variants vs fp32 (`--variants`)');
    expect(table).toBeGreaterThan(md.indexOf('### End to end'));
    expect(table).toBeLessThan(md.indexOf('### Issue 9 targets'));
    expect(md).toMatch(
      /\| cpu\s+\| released\s+\| int8@320 \| 320 \(fp32: 512\) \|\s+0\.96x \|\s+600\.0 \|\s+2\.00x \|\s+2\.00x \| N = 16: 1\.50x\s+\| N = 16: 1\.25x\s+\|/,
    );
  });

  it('prints no variant table for a run of fp32 only', () => {
    const md1 = renderMarkdown({ ...sampleReport, speed: [releasedCase], variantRatios: [], interleaved: [] });
    expect(md1).not.toContain('Variants vs fp32');
    // Only the issue-15 int8 target row names int8 (not measured without the variant).
    expect(md1).toMatch(
      /^\| int8 >= 1\.8x faster than fp32 end to end at N = 16 on a VNNI machine +\| int8 not run at N = 16 \(--variants fp32,int8\) +\| not measured +\|$/m,
    );
    expect(md1.replace(/^\| int8 >= .*$/m, '')).not.toContain('int8');
  });

  it('judges the issue-9 targets on the fp32 case even when a variant comes first', () => {
    const [enc] = issue9Targets([int8At320Case, releasedCase]);
    expect(enc!.measured).toContain('1200 ms');
  });
});

describe('issue9Targets', () => {
  it('compares the released cpu case with each target', () => {
    const t = issue9Targets([releasedCase]);
    // Decoder ratios from the end-to-end runs: 400 / 4 / 1250 = 8%, 8000 / 4 / 1250 = 160%.
    expect(t.map((x) => x.status)).toEqual(['met', 'met', 'not met', 'not met', 'met', 'not measured']);
    expect(t[0]!.measured).toBe('1200 ms = 1.20x the floor (1000 ms), measured alternately');
    // The N = 16 medians are the tracker's path (sample-first), not the comparison row.
    expect(t[1]!.measured).toBe(
      "end to end (sample-first): 100 ms per frame (window / 4) = 8.0% of the encoder's 1250 ms in the same run; medians (sample-first): 100 ms = 8.3% of 1200 ms",
    );
  });

  it('falls back to the one-window medians without an end-to-end run', () => {
    const t = issue9Targets([{ ...releasedCase, endToEnd: [] }]);
    expect(t[1]).toMatchObject({ measured: 'medians (sample-first): 100 ms = 8.3% of 1200 ms', status: 'met' });
    expect(t[2]!.status).toBe('not met');
  });

  it('says when the released configuration was not run on cpu', () => {
    expect(issue9Targets([{ ...releasedCase, backend: 'wasm' }])).toEqual([expect.objectContaining({ status: 'not measured' })]);
  });
});

describe('machine class and memory modes (issue 15)', () => {
  const md = renderMarkdown(sampleReport);

  it('names the machine class and the fresh-memory probe in the header and above the speed tables', () => {
    expect(md).toContain(
      '- Machine class: **AVX-512 VNNI, expensive fresh memory (3.02 ms/MB)**; first touch of 178 MB (`new Float32Array` + `set`) 550 ms, rewriting it 12 ms',
    );
    expect(md).toContain('Machine class of these figures (per case process): AVX-512 VNNI, expensive fresh memory (3.02 ms/MB).');
  });

  it('lists every memory mode side by side with its ratio to the fastest', () => {
    expect(md).toContain('### CPU memory modes side by side');
    expect(md).toMatch(/\| released\s+\|\s+16 \| balanced \(default\) \|\s+1500 \|\s+1\.07x \|\s+950 \|/);
    expect(md).toMatch(/\| released\s+\|\s+16 \| fast\s+\|\s+1400 \|\s+1\.00x \|\s+2000 \|/);
    expect(md).toMatch(/\| released\s+\|\s+800 \| low\s+\|\s+8500 \|\s+3\.04x \|\s+2050 \|/);
    expect(renderMarkdown({ ...sampleReport, memoryModes: [] })).not.toContain('CPU memory modes side by side');
  });

  it('memoryModeRows compares modes per configuration and N', () => {
    const rows = memoryModeRows({ speed: [releasedCase], memoryModes });
    expect(rows.map((r) => [r.points, r.memory, Math.round(r.vsBest * 100) / 100])).toEqual([
      [16, 'balanced', 1.07],
      [16, 'fast', 1],
      [16, 'low', 3.5],
      [800, 'balanced', 1.07],
      [800, 'fast', 1],
      [800, 'low', 3.04],
    ]);
  });

  it('judges the issue-15 targets on the default mode of the released cpu case', () => {
    const t = issue15Targets({ speed: [releasedCase], memoryModes });
    expect(t.map((x) => x.status)).toEqual(['met', 'met', 'met', 'met', 'met', 'not met', 'not met', 'not measured', 'not measured']);
    expect(t[0]!.measured).toBe(
      "'balanced' 1500 ms/frame vs 'fast' 1400, 'low' 4900 = 1.07x the best ('fast'); AVX-512 VNNI, expensive fresh memory (3.02 ms/MB)",
    );
    expect(t[2]!.measured).toBe("950 MB (a process of its own, memory 'balanced')");
    expect(t[3]!.measured).toBe("1400 MB (a process of its own, memory 'balanced')");
    expect(t[5]!.measured).toBe('1500 ms/frame = 9.7x');
    expect(t[6]!.measured).toBe('2000 ms vs 1250 ms (160.0%)');
  });

  it('does not compare with the official time on another machine class, nor modes that did not run', () => {
    const other = { ...releasedCase, machineClass: 'AVX2/FMA, cheap fresh memory (0.20 ms/MB)' };
    const t = issue15Targets({ speed: [other], memoryModes: [] });
    expect(t[0]!.status).toBe('not measured');
    // Without --memory-modes the RSS targets fall back to the speed case's runs.
    expect(t[3]!.measured).toBe("1400 MB (16 frames, after the smaller N in the same process, memory 'balanced')");
    expect(t[5]).toMatchObject({
      status: 'not measured',
      measured: '1500 ms/frame = 9.7x (this machine is AVX2/FMA, cheap fresh memory (0.20 ms/MB): the official figure is from another class)',
    });
  });
});

describe('issue-15 long-video and int8 targets', () => {
  it('judges 600 frames against 300 in separate processes, with the checkpoint of the 600-frame run beside it', () => {
    const t = longVideoTarget(longVideo);
    expect(t.status).toBe('met');
    expect(t.measured).toContain(
      '600 frames 1040 ms/frame, 1020 MB vs 300 frames 1000 ms/frame, 1000 MB (processes of their own): 1.04x time, CPU time 1.04x (2080 vs 2000 ms/frame), 1.02x RSS',
    );
    // Frames 301-600 of the 600-frame run: (624000 - 306000) / 300 = 1060 ms/frame against 1020.
    // Outside the graphs: (624000 - 306000 - (621000 - 304500)) / 300 = 5.0 ms/frame against (306000 - 304500) / 300 = 5.0.
    expect(t.measured).toContain(
      'in the 600-frame run: frames 301-600 1060 ms/frame vs 1-300 1020 (1.04x; outside the graphs 5.0 vs 5.0 ms/frame; CPU time 2100 vs 2000 ms/frame (1.05x)), peak RSS 1020 MB vs 1010 MB at frame 300 (1.01x)',
    );
  });

  it('fails on growth of the time or the RSS beyond 10%, and judges on the checkpoint alone without a 300-frame process', () => {
    expect(longVideoTarget([longVideo[0]!, longVideoRun(600, 1040, 1120)]).status).toBe('not met');
    expect(longVideoTarget([longVideo[0]!, longVideoRun(600, 1120, 1000)]).status).toBe('not met');
    const grown = longVideoRun(600, 1000, 1200, [{ frames: 300, elapsedMs: 300_000, msPerFrame: 1000, rssMB: 1000, peakRssMB: 1000, graphMs: 299_000 }]);
    expect(longVideoTarget([grown])).toMatchObject({ status: 'not met' });
    expect(longVideoTarget([longVideo[1]!]).status).toBe('met');
    expect(longVideoTarget([longVideo[0]!])).toMatchObject({ status: 'not measured', measured: 'no 600-frame run (--long-video 300,600)' });
  });

  it('judges issue 9 memory growth on the long-video RSS', () => {
    expect(issue9Targets([releasedCase], longVideo).at(-1)).toEqual({
      target: 'a 600-frame video within 10% of a 300-frame one (RSS)',
      measured: '1020 MB vs 1000 MB (processes of their own) = 1.02x',
      status: 'met',
    });
    expect(issue9Targets([releasedCase], [longVideo[1]!]).at(-1)).toMatchObject({
      measured: '1020 MB vs 1010 MB (at frame 300 of the same run) = 1.01x',
      status: 'met',
    });
    expect(issue9Targets([releasedCase]).at(-1)).toMatchObject({ status: 'not measured' });
  });

  it('lists the checkpoints at the shorter lengths only', () => {
    const md = renderMarkdown(sampleReport);
    expect(md).not.toContain('600-frame run at frame 600');
  });

  it('judges int8 on the interleaved ratio, only on a VNNI machine class', () => {
    const vnni = 'AVX-512 VNNI, expensive fresh memory (3.02 ms/MB)';
    const t = int8Target({ interleaved: [int8Interleaved], variantRatios: [] }, vnni);
    expect(t).toMatchObject({ status: 'not met' });
    expect(t.measured).toContain(
      '1.25x (int8 (u8s8 weights for this CPU); fp32 1000 vs int8 800 ms/frame, 16 frames, alternately in one process, CPU time 1.30x); encoder alone 1.28x (960 vs 750 ms, CPU time 1.35x)',
    );
    const fast = { ...int8Interleaved, endToEnd: [{ ...int8Interleaved.endToEnd[0]!, speedup: 1.85 }] };
    expect(int8Target({ interleaved: [fast] }, vnni).status).toBe('met');
    expect(int8Target({ interleaved: [fast] }, 'AVX2/FMA, cheap fresh memory (0.20 ms/MB)')).toMatchObject({ status: 'not measured' });
    expect(int8Target({}, vnni)).toMatchObject({ status: 'not measured', measured: 'int8 not run at N = 16 (--variants fp32,int8)' });
  });

  it('prints the interleaved comparison and the long-video runs', () => {
    const md = renderMarkdown(sampleReport);
    expect(md).toContain('### Variants vs fp32, alternately in one process (cpu)');
    expect(md).toMatch(
      /\| cpu\s+\| released\s+\| int8 \(u8s8 weights for this CPU\) \| end to end, N = 16, 16 frames \(per frame\) \|\s+1000 \|\s+800\.0 \|\s+1\.25x \|\s+1\.30x \|/,
    );
    expect(md).toContain('### Long video (`--long-video`');
    // Every table's header has as many columns as its rows.
    for (const table of md.split('\n\n').filter((b) => b.startsWith('| '))) {
      const lines = table.split('\n');
      const cells = (line: string): number => line.split(' | ').length;
      for (const line of lines.slice(2)) expect(cells(line), `${lines[0]}\n${line}`).toBe(cells(lines[0]!));
    }
    expect(md).toMatch(/\| other \| CPU ms\/frame \| peak RSS MB \| RSS MB every 50 frames \|/);
    expect(md).toMatch(/\| released 512² \|\s+16 \|\s+600 \|\s+149 \|\s+1040 \|\s+1010 \|\s+100\.0 \|\s+5\.0 \|\s+2080 \|\s+1020 \| 1000 1005/);
    expect(md).toContain('- released, 600-frame run at frame 300: 1020 ms/frame so far (the rest: 1060), peak RSS 1010 MB so far (1020 MB at the end)');
  });
});
