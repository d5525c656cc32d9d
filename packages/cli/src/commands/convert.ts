// SPDX-License-Identifier: Apache-2.0
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  applyTaptrPrecision,
  buildTaptrGraphs,
  parseTaptrConfig,
  RELEASED_CONFIG,
  readTaptrCheckpoint,
  TAPTR_PRECISIONS,
  taptrConfigToJson,
  type TaptrConfig,
  type TaptrPrecision,
} from '@taptr/model';
import { TAPTR_MODEL_MANIFEST } from '@taptr/model/format';
import { saveTaptrModel, sha256Hex } from '@taptr/model/node';
import { TaptrError } from '@taptr/tensor';
import type { Command } from 'commander';
import type { CliIo } from '../cli-io.js';
import { newCommand, oneOf, positiveMultipleOf } from '../command-kit.js';
import { detectConfiguration } from '../engine/checkpoint-config.js';
import { INT8_WEIGHTS_CHOICES, pickInt8Weights, type Int8WeightsChoice } from '../engine/int8-weights-choice.js';
import { readConfigFile } from '../engine/load-model.js';
import { startProgress } from '../progress.js';
import { UsageError } from '../usage-error.js';

interface ConvertOptions {
  config?: string;
  out?: string;
  json?: boolean;
  precision: TaptrPrecision;
  int8Weights?: Int8WeightsChoice;
  resolution?: number;
}

/** `taptr convert`: official checkpoint -> ONNX graphs + model.json. */
export function convertCommand(io: CliIo): Command {
  return newCommand('convert', io, [
    'taptr convert ~/.cache/taptr/taptrv1.pth --out models/taptr-v1',
    'taptr convert my-finetune.pth --config my-config.json --out models/mine --json',
    'taptr convert ~/.cache/taptr/taptrv1.pth --precision int8 --out models/taptr-v1-int8',
  ])
    .description(
      'Convert an official TAPTR checkpoint (.pth) into ONNX graphs (frame_encoder, query_init, decoder_window, and decoder_window_sample_first: ' +
        'the decoder the tracker uses for windows of few points) plus a model.json manifest ' +
        '(configuration, graph files with their sha256, sha256 of the source checkpoint). No Python needed.',
    )
    .argument('<checkpoint>', 'official .pth checkpoint (e.g. from taptr fetch)')
    .option('--config <config.json>', 'configuration with the keys of the reference config.json (default: the released TAPTR v1 configuration, 512x512)')
    .option('--out <dir>', 'output folder for the graphs and model.json')
    .option(
      '--precision <p>',
      'numeric variant (opt-in, see @taptr/model README): fp32 = parity with the official model; int8 = dynamic int8 dense layers (deviates; little faster without VNNI); fp16-weights = half-size files, fp32 compute',
      oneOf(TAPTR_PRECISIONS),
      'fp32',
    )
    .option(
      '--int8-weights <w>',
      "with --precision int8: the weight type written; auto (default) = this CPU's: u8s8 (int8 weights) with AVX-512 VNNI / AVX-VNNI, where onnxruntime's u8s8 kernels are faster, else u8u8 (uint8; u8s8 saturates on AVX2 without VNNI). Either loads anywhere: taptr track switches a folder to suit the CPU it runs on",
      oneOf(INT8_WEIGHTS_CHOICES),
    )
    .option(
      '--resolution <R>',
      "model input size, a positive multiple of 32 (default: the configuration's, 512); 320 tracks ~2x faster on CPU, less accurately",
      positiveMultipleOf(32),
    )
    .option('--json', 'print the manifest as JSON on stdout')
    .action(async (checkpoint: string, options: ConvertOptions) => {
      if (options.out === undefined) throw new UsageError('--out is required (the model folder to write)');
      if (options.int8Weights !== undefined && options.precision !== 'int8')
        throw new UsageError(`--int8-weights applies to --precision int8 (the only variant with int8 weights), not ${options.precision}`);
      const int8 = options.precision === 'int8' ? pickInt8Weights(options.int8Weights ?? 'auto', '--int8-weights') : undefined;
      const given = options.config !== undefined ? await readConfigFile(options.config) : undefined;
      const started = performance.now();
      // The steps of @taptr/model/node's convertTaptrCheckpoint, one by one so the bar can follow them.
      const bar = startProgress(io.stderr, 'convert', 4, 'steps', !options.json);
      let manifest;
      let config: TaptrConfig;
      let detected;
      try {
        let bytes: Uint8Array;
        try {
          bytes = new Uint8Array(await readFile(checkpoint));
        } catch (error) {
          throw new TaptrError('TAPTR_IO', `${checkpoint}: cannot read the checkpoint (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`, {
            cause: error,
          });
        }
        bar.update(1);
        const stateDict = readTaptrCheckpoint(bytes);
        detected = detectConfiguration(checkpoint, stateDict, given, options.config);
        config = given ?? RELEASED_CONFIG;
        if (options.resolution !== undefined) {
          config = parseTaptrConfig({ ...taptrConfigToJson(config), data_aug_scales: [options.resolution], data_aug_max_size: options.resolution });
        }
        bar.update(2);
        const graphs = applyTaptrPrecision(buildTaptrGraphs(stateDict, config), options.precision, int8 !== undefined ? { int8Weights: int8.weights } : {});
        bar.update(3);
        manifest = await saveTaptrModel(options.out, graphs, { sourceSha256: sha256Hex(bytes), precision: options.precision });
        bar.update(4);
      } finally {
        bar.stop();
      }
      const ms = Math.round(performance.now() - started);
      if (options.json) {
        const int8Json = int8 !== undefined ? { int8Weights: { weights: int8.weights, kernels: int8.kernels, reason: int8.reason } } : {};
        io.stdout.write(`${JSON.stringify({ out: options.out, ms, detected: { ...detected.shapes, released: detected.released }, ...int8Json, manifest })}\n`);
        return;
      }
      const graphs = Object.values(manifest.graphs)
        .map((g) => `  ${g.file.padEnd(32)} ${(g.bytes / 1e6).toFixed(1).padStart(7)} MB  sha256 ${g.sha256.slice(0, 16)}...`)
        .join('\n');
      io.stdout.write(
        `configuration: ${detected.summary}\n` +
          `wrote ${join(options.out, TAPTR_MODEL_MANIFEST)} in ${(ms / 1000).toFixed(1)} s (${manifest.precision} @ ${config.resolution}; source sha256 ${manifest.source.sha256})\n` +
          (int8 !== undefined
            ? `int8 weights: ${int8.kernels} (${int8.weights}): ${int8.reason} (taptr track switches them to suit the CPU it runs on)\n`
            : '') +
          `${graphs}\nnext: taptr track VIDEO --model ${options.out} --grid 10 --out tracks.json --overlay overlay.mp4\n`,
      );
    });
}
