/**
 * The command line, read into a command and the core's own request shapes. Parsing only: no value is range-checked
 * here beyond being a number, since the core checks every field (and names it) exactly as it does for the API.
 */
import { type ParseArgsConfig, parseArgs } from 'node:util';
import type { EvaluateRequest } from '../core/planner/evaluate.js';
import type { FrontierSeriesRequest } from '../core/planner/frontierSeries.js';
import type { Objective, PlanRequest, Strategy } from '../core/planner/request.js';
import type { TargetRequest } from '../core/targets/budgetForTarget.js';
import type { Accelerator, GpuAccelerator } from '../core/units/accelerators.js';
import type { BudgetInput, BudgetUnit } from '../core/units/budget.js';
import type { TpuV3Basis } from '../core/units/tpuV3.js';

/** The command line cannot be read: an unknown command or option, a missing argument, a malformed number. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  constructor(
    message: string,
    /** False when the message alone says what to fix (a malformed number), so the whole usage would be noise. */
    readonly showUsage = true,
  ) {
    super(message);
  }
}

export type Command =
  | { readonly kind: 'help' }
  | ({ readonly kind: 'plan'; readonly request: PlanRequest } & WithLaw)
  | ({ readonly kind: 'evaluate'; readonly request: EvaluateRequest } & WithLaw)
  | ({ readonly kind: 'target'; readonly request: TargetRequest } & WithLaw)
  | {
      readonly kind: 'fit';
      /** The runs as JSON: a file, or standard input when absent or `-`. */
      readonly inputFile?: string;
      /** Fields given as flags, which replace the input's. */
      readonly overrides: {
        readonly datasetImages?: number;
        readonly bootstrapSamples?: number;
        readonly seed?: number;
      };
      readonly json: boolean;
    }
  | { readonly kind: 'frontier'; readonly request: FrontierSeriesRequest; readonly json: boolean }
  | { readonly kind: 'laws'; readonly json: boolean }
  | { readonly kind: 'serve' };

/** What plan, target and evaluate share: JSON or a table, and a caller's law read from a file. */
interface WithLaw {
  readonly json: boolean;
  /** A law to plan with instead of the paper's (POST /v1/fits' `law`, or its whole answer), as a JSON file. */
  readonly lawFile?: string;
}

const text = { type: 'string' } as const;
const flag = { type: 'boolean' } as const;
const COMMON = { json: flag, help: { type: 'boolean', short: 'h' } } as const;
/** The run's setup: what plan and target share, and evaluate in part (a configuration has no devices to count). */
const SETUP = {
  'batch-size': text,
  cores: text,
  'previous-lr': text,
  'run-on': text,
  count: text,
  'price-per-hour': text,
} as const;
/** What the planner is asked besides a budget and the run's setup: what plan and target share. */
const SEARCH = {
  ...COMMON,
  law: text,
  objective: text,
  strategy: text,
  models: text,
  'min-epochs': text,
  'max-epochs': text,
  'dataset-images': text,
  'interval-level': text,
} as const;
const OPTIONS = {
  plan: {
    ...SEARCH,
    ...SETUP,
    unit: text,
    accelerator: text,
    'peak-tflops': text,
    utilization: text,
    'tpu-v3-basis': text,
  },
  target: { ...SEARCH, ...SETUP, 'jft-loss': text, 'imagenet-top1': text },
  evaluate: {
    ...COMMON,
    law: text,
    'dataset-images': text,
    'batch-size': text,
    cores: text,
    'previous-lr': text,
    'interval-level': text,
  },
  fit: { ...COMMON, input: text, 'dataset-images': text, 'bootstrap-samples': text, seed: text },
  frontier: { ...COMMON, from: text, to: text, points: text, objective: text, 'interval-level': text },
  laws: COMMON,
  serve: { help: COMMON.help },
} as const;
type CommandName = keyof typeof OPTIONS;

/** Digits, an optional fraction and exponent, `_` between digits; no hex, no commas, no Infinity or NaN. */
const NUMBER = /^[+-]?(?:\d+(?:_\d+)*(?:\.(?:\d+(?:_\d+)*)?)?|\.\d+(?:_\d+)*)(?:[eE][+-]?\d+)?$/;

/** A number as the help describes it; `name` is the flag or argument it came from, for the message. */
export function parseNumber(value: string, name: string): number {
  if (!NUMBER.test(value))
    throw new UsageError(
      `${name} must be a number such as 50000, 50_000, 5e4 or 0.5; got ${JSON.stringify(value)}`,
      false,
    );
  const number = Number(value.replaceAll('_', ''));
  if (!Number.isFinite(number))
    throw new UsageError(`${name} is too large to be a number; got ${value}`, false);
  return number;
}

/** A token that is a negative number rather than an option, so `plan -5` reaches the core and is refused there. */
const NEGATIVE_NUMBER = /^-[\d.]/;

/**
 * parseArgs reads `-5` as an unknown short option and refuses `--min-epochs -1` as ambiguous. Rewrites the tokens so
 * that an option's value is attached (`--min-epochs=-1`) and every positional, negative numbers included, follows `--`.
 */
function separate(tokens: readonly string[], valueOptions: ReadonlySet<string>): string[] {
  const options: string[] = [];
  const positionals: string[] = [];
  for (let i = 0; i < tokens.length; i += 1) {
    const token = tokens[i] as string;
    if (token === '--') {
      positionals.push(...tokens.slice(i + 1));
      break;
    }
    if (!token.startsWith('-') || token === '-' || NEGATIVE_NUMBER.test(token)) {
      positionals.push(token);
      continue;
    }
    const next = tokens[i + 1];
    if (token.startsWith('--') && valueOptions.has(token.slice(2)) && next !== undefined) {
      options.push(`${token}=${next}`);
      i += 1;
    } else options.push(token);
  }
  return [...options, '--', ...positionals];
}

function isCommandName(name: string): name is CommandName {
  return Object.hasOwn(OPTIONS, name);
}

/** Reads argv (without the node and script paths) into a command. */
export function parseCommandLine(argv: readonly string[]): Command {
  const [name, ...rest] = argv;
  if (name === undefined) throw new UsageError('no command given');
  if (name === '--help' || name === '-h' || name === 'help') return { kind: 'help' };
  if (!isCommandName(name)) throw new UsageError(`unknown command ${JSON.stringify(name)}`);
  const options: NonNullable<ParseArgsConfig['options']> = OPTIONS[name];
  const valueOptions = new Set(
    Object.entries(options)
      .filter(([, spec]) => spec.type === 'string')
      .map(([option]) => option),
  );
  let parsed: {
    values: Record<string, string | boolean | (string | boolean)[] | undefined>;
    positionals: string[];
  };
  try {
    parsed = parseArgs({ args: separate(rest, valueOptions), options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const { values, positionals } = parsed;
  if (values.help === true) return { kind: 'help' };
  const json = values.json === true;
  const lawFile = typeof values.law === 'string' ? { lawFile: values.law } : {};
  const expect = (count: number, names: string) => {
    if (positionals.length < count) throw new UsageError(`${name} needs ${names}`);
    if (positionals.length > count)
      throw new UsageError(`${name} takes ${names}; unexpected ${JSON.stringify(positionals[count])}`);
  };
  const string = (option: string) => {
    const value = values[option];
    return typeof value === 'string' ? value : undefined;
  };
  const number = (option: string) => {
    const value = string(option);
    return value === undefined ? undefined : parseNumber(value, `--${option}`);
  };
  switch (name) {
    case 'plan': {
      expect(1, '<amount>');
      return {
        kind: 'plan',
        request: planRequest(parseNumber(positionals[0] as string, '<amount>'), string, number),
        json,
        ...lawFile,
      };
    }
    case 'evaluate': {
      expect(2, '<model> <epochs>');
      const request: EvaluateRequest = {
        model: positionals[0] as string,
        epochs: parseNumber(positionals[1] as string, '<epochs>'),
        ...defined('datasetImages', number('dataset-images')),
        ...defined('batchSize', number('batch-size')),
        ...defined('cores', number('cores')),
        ...defined('previousOptimalLearningRate', number('previous-lr')),
        ...defined('intervalLevel', number('interval-level')),
      };
      return { kind: 'evaluate', request, json, ...lawFile };
    }
    case 'target': {
      expect(0, 'no arguments (the target is --jft-loss or --imagenet-top1)');
      // Both, or neither, reach the core as given: it refuses them and says which one to give.
      const target = {
        ...defined('jftValidationLoss', number('jft-loss')),
        ...defined('imagenetTop1Percent', number('imagenet-top1')),
      };
      return {
        kind: 'target',
        request: { target, ...searchSettings(string, number), ...setupSettings(string, number) },
        json,
        ...lawFile,
      };
    }
    case 'fit':
      expect(0, 'no arguments (the runs come from --input or standard input)');
      return {
        kind: 'fit',
        ...defined('inputFile', string('input')),
        overrides: {
          ...defined('datasetImages', number('dataset-images')),
          ...defined('bootstrapSamples', number('bootstrap-samples')),
          ...defined('seed', number('seed')),
        },
        json,
      };
    case 'frontier':
      expect(0, 'no arguments');
      return {
        kind: 'frontier',
        request: {
          ...defined('fromTpuV4CoreHours', number('from')),
          ...defined('toTpuV4CoreHours', number('to')),
          ...defined('points', number('points')),
          ...defined('objective', string('objective') as Objective | undefined),
          ...defined('intervalLevel', number('interval-level')),
        },
        json,
      };
    case 'laws':
      expect(0, 'no arguments');
      return { kind: 'laws', json };
    case 'serve':
      expect(0, 'no arguments');
      return { kind: 'serve' };
  }
}

/**
 * `{ key: value }`, or nothing when the value is absent: the request then has no such key at all, as a JSON body
 * that leaves the field out, so the core and the API's serializer see the same object.
 */
function defined<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

/**
 * The POST /v1/plans body the flags describe. Enumerated values (unit, objective, strategy, accelerator, basis) are
 * passed through as typed: the core checks them at run time and names the allowed values when they are wrong.
 */
function planRequest(
  amount: number,
  string: (option: string) => string | undefined,
  number: (option: string) => number | undefined,
): PlanRequest {
  const budget: BudgetInput = {
    amount,
    unit: (string('unit') ?? 'tpu_v4_core_hours') as BudgetUnit,
    ...defined('accelerator', string('accelerator') as GpuAccelerator | undefined),
    ...defined('peakTflops', number('peak-tflops')),
    ...defined('utilization', number('utilization')),
    ...defined('tpuV3Basis', string('tpu-v3-basis') as TpuV3Basis | undefined),
  };
  return { budget, ...searchSettings(string, number), ...setupSettings(string, number) };
}

/** The fields of SETUP: the devices, the batch size and a previous learning rate. */
function setupSettings(
  string: (option: string) => string | undefined,
  number: (option: string) => number | undefined,
): Pick<PlanRequest, 'hardware' | 'batchSize' | 'previousOptimalLearningRate'> {
  const hardware = {
    ...defined('cores', number('cores')),
    ...defined('accelerator', string('run-on') as Accelerator | undefined),
    ...defined('count', number('count')),
    ...defined('pricePerAcceleratorHour', number('price-per-hour')),
  };
  return {
    ...(Object.keys(hardware).length === 0 ? {} : { hardware }),
    ...defined('batchSize', number('batch-size')),
    ...defined('previousOptimalLearningRate', number('previous-lr')),
  };
}

/** The fields of SEARCH: what plan and target requests share besides the run's setup. */
function searchSettings(
  string: (option: string) => string | undefined,
  number: (option: string) => number | undefined,
): Pick<PlanRequest, 'objective' | 'strategy' | 'constraints' | 'intervalLevel'> {
  const models = string('models')
    ?.split(',')
    .map((model) => model.trim())
    .filter((model) => model !== '');
  const constraints = {
    ...defined('models', models),
    ...defined('minEpochs', number('min-epochs')),
    ...defined('maxEpochs', number('max-epochs')),
    ...defined('datasetImages', number('dataset-images')),
  };
  return {
    ...defined('objective', string('objective') as Objective | undefined),
    ...defined('strategy', string('strategy') as Strategy | undefined),
    ...(Object.keys(constraints).length === 0 ? {} : { constraints }),
    ...defined('intervalLevel', number('interval-level')),
  };
}
