// SPDX-License-Identifier: Apache-2.0
import { RELEASED_CONFIG } from '@taptr/model';
import { convertTaptrCheckpoint, TAPTR_MODEL_MANIFEST } from '@taptr/model/node';
import type { Command } from 'commander';
import { join } from 'node:path';
import type { CliIo } from '../cli-io.js';
import { newCommand } from '../command-kit.js';
import { readConfigFile } from '../engine/load-model.js';
import { UsageError } from '../usage-error.js';

interface ConvertOptions {
  config?: string;
  out?: string;
  json?: boolean;
}

/** `taptr convert`: official checkpoint -> ONNX graphs + model.json. */
export function convertCommand(io: CliIo): Command {
  return newCommand('convert', io, [
    'taptr convert ~/.cache/taptr/taptrv1.pth --out models/taptr-v1',
    'taptr convert my-finetune.pth --config my-config.json --out models/mine --json',
  ])
    .description(
      'Convert an official TAPTR checkpoint (.pth) into ONNX graphs (frame_encoder, query_init, decoder_window) plus a model.json manifest ' +
        '(configuration, graph files with their sha256, sha256 of the source checkpoint). No Python needed.',
    )
    .argument('<checkpoint>', 'official .pth checkpoint (e.g. from taptr fetch)')
    .option('--config <config.json>', 'configuration with the keys of the reference config.json (default: the released TAPTR v1 configuration, 512x512)')
    .option('--out <dir>', 'output folder for the graphs and model.json')
    .option('--json', 'print the manifest as JSON on stdout')
    .action(async (checkpoint: string, options: ConvertOptions) => {
      if (options.out === undefined) throw new UsageError('--out is required (the model folder to write)');
      const config = options.config !== undefined ? await readConfigFile(options.config) : RELEASED_CONFIG;
      const started = performance.now();
      if (!options.json && io.stderr.isTTY === true) io.stderr.write(`converting ${checkpoint} (${config.resolution}x${config.resolution}, hidden ${config.hiddenDim})...\n`);
      const manifest = await convertTaptrCheckpoint(checkpoint, options.out, { config });
      const ms = Math.round(performance.now() - started);
      if (options.json) {
        io.stdout.write(`${JSON.stringify({ out: options.out, ms, manifest })}\n`);
        return;
      }
      const graphs = Object.values(manifest.graphs)
        .map((g) => `  ${g.file.padEnd(20)} ${(g.bytes / 1e6).toFixed(1).padStart(7)} MB  sha256 ${g.sha256.slice(0, 16)}...`)
        .join('\n');
      io.stdout.write(
        `wrote ${join(options.out, TAPTR_MODEL_MANIFEST)} in ${(ms / 1000).toFixed(1)} s (source sha256 ${manifest.source.sha256})\n${graphs}\nnext: taptr track VIDEO --model ${options.out} --grid 10 --out tracks.json --overlay overlay.mp4\n`,
      );
    });
}
