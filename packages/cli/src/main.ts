// SPDX-License-Identifier: Apache-2.0
import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { type CliIo, processIo } from './cli-io.js';
import { convertCommand } from './commands/convert.js';
import { demoCommand } from './commands/demo.js';
import { evalCommand } from './commands/eval.js';
import { fetchCommand } from './commands/fetch.js';
import { queueCommand } from './commands/queue.js';
import { trackCommand } from './commands/track.js';
import { workerCommand } from './commands/worker.js';
import { classifyError, EXIT } from './usage-error.js';

const EXAMPLES = [
  'taptr demo',
  'taptr track clip.mp4 --model taptr-v1 --grid 10 --out tracks.json   # downloads, converts and caches the model once',
  'taptr fetch && taptr convert ~/.cache/taptr/taptrv1.pth --out models/taptr-v1',
  'taptr track clip.mp4 --model models/taptr-v1 --queries points.json --out tracks.json --overlay overlay.mp4',
  'taptr eval tapvid_davis.pkl --model models/taptr-v1 --mode strided --out davis.json',
];

/** The CLI's version, from its package.json (src/ and dist/ are one folder below the package root). */
const CLI_VERSION: string = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;

function buildProgram(io: CliIo): Command {
  const program = new Command('taptr')
    .description('TAPTR point tracking (ECCV 2024) in Node.js: track points through videos, evaluate on TAP-Vid.')
    .version(CLI_VERSION, '-V, --version', 'print the version of taptr')
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
      outputError: (s, write) =>
        write(
          `taptr: ${s
            .trim()
            .replace(/^error: /, '')
            .replace(/\s*\n\s*/g, ' ')} (see taptr --help)\n`,
        ),
    })
    .addHelpText('after', `\nExamples:\n${EXAMPLES.map((e) => `  $ ${e}`).join('\n')}\n\nRun taptr <command> --help for each command's options.\n`);
  program.addCommand(demoCommand(io));
  program.addCommand(trackCommand(io));
  program.addCommand(convertCommand(io));
  program.addCommand(fetchCommand(io));
  program.addCommand(evalCommand(io));
  program.addCommand(workerCommand(io));
  program.addCommand(queueCommand(io));
  return program;
}

/**
 * Entry point of the `taptr` command. Returns the process exit code (0 success, 1 runtime error,
 * 2 usage error). Errors are printed as one line on stderr; only unexpected failures (bugs) print
 * a stack trace.
 * @param argv - the arguments after `taptr`, e.g. `['track', 'clip.mp4', ...]`.
 * @param io - streams and environment (defaults to the process's).
 */
export async function main(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  const program = buildProgram(io);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return EXIT.ok;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    const { code, message, expected } = classifyError(error);
    const command = program.commands.some((c) => c.name() === argv[0]) ? argv[0] : undefined;
    const text = expected ? message.replace(/\s*\n\s*/g, ' ') : `internal error: ${message}`;
    io.stderr.write(`taptr${command !== undefined && expected ? ` ${command}` : ''}: ${text}\n`);
    return code;
  }
}
