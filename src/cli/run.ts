/**
 * The CLI's commands over the core: read the command line, call the core, print a table or the API's JSON. Every
 * number comes from the core; this module only chooses what to print and the exit code.
 */

import { readFileSync } from 'node:fs';
import type { z } from 'zod';
import { EvaluationSchema } from '../api/evaluate/schemas.js';
import { FitsRequestSchema, FitsResponseSchema } from '../api/fits/schemas.js';
import { FrontierResponseSchema } from '../api/frontier/schemas.js';
import { LawsResponseSchema } from '../api/laws/schemas.js';
import { CustomLawSchema, PlanSchema } from '../api/plans/schemas.js';
import { TargetResponseSchema } from '../api/targets/schemas.js';
import { buildCostModel } from '../core/cost/costModel.js';
import { InfeasibleError, PlannerInputError } from '../core/errors.js';
import { type FitRunsRequest, fitRuns } from '../core/fits/fitRuns.js';
import { fitPaperLaws } from '../core/laws/paperLaws.js';
import { lawsReport } from '../core/laws/report.js';
import { createPlannerContext, type PlannerContext } from '../core/planner/context.js';
import { evaluateConfiguration } from '../core/planner/evaluate.js';
import { frontierSeries } from '../core/planner/frontierSeries.js';
import { plan } from '../core/planner/plan.js';
import type { CustomLaw } from '../core/planner/request.js';
import { budgetForTarget } from '../core/targets/budgetForTarget.js';
import { fitLawEnsemble } from '../core/uncertainty/lawEnsemble.js';
import { apiJson } from './apiJson.js';
import { type Command, parseCommandLine, UsageError } from './argv.js';
import type { CliHost, CliOutput } from './output.js';
import { renderEvaluation } from './renderEvaluation.js';
import { renderFit } from './renderFit.js';
import { renderFrontier } from './renderFrontier.js';
import { renderLaws } from './renderLaws.js';
import { renderPlan } from './renderPlan.js';
import { renderTarget } from './renderTarget.js';
import { runStorageCommand, STORAGE_COMMANDS } from './storageCommands.js';
import { USAGE } from './usage.js';

export const EXIT_OK = 0;
export const EXIT_UNEXPECTED = 1;
export const EXIT_BAD_INPUT = 2;

export type { CliHost, CliOutput };

/** The flag or argument behind each request field the core can reject, so a message says what to change. */
const FLAG_FOR_FIELD: Readonly<Record<string, string>> = {
  'budget.amount': '<amount>',
  'budget.unit': '--unit',
  'budget.accelerator': '--accelerator',
  'budget.peakTflops': '--peak-tflops',
  'budget.utilization': '--utilization',
  'budget.tpuV3Basis': '--tpu-v3-basis',
  objective: '--objective',
  strategy: '--strategy',
  'constraints.models': '--models',
  'constraints.minEpochs': '--min-epochs',
  'constraints.maxEpochs': '--max-epochs',
  'constraints.datasetImages': '--dataset-images',
  'hardware.cores': '--cores',
  'hardware.accelerator': '--run-on',
  'hardware.count': '--count',
  'hardware.pricePerAcceleratorHour': '--price-per-hour',
  batchSize: '--batch-size',
  previousOptimalLearningRate: '--previous-lr',
  intervalLevel: '--interval-level',
  target: '--jft-loss or --imagenet-top1',
  'target.jftValidationLoss': '--jft-loss',
  'target.imagenetTop1Percent': '--imagenet-top1',
  model: '<model>',
  epochs: '<epochs>',
  datasetImages: '--dataset-images',
  cores: '--cores',
  from: '--from',
  to: '--to',
  points: '--points',
  'bootstrap.samples': '--bootstrap-samples',
  'bootstrap.seed': '--seed',
};

function flagFor(field: string): string | undefined {
  // A law's fields (law.coefficients.E) come from the --law file, a run's (runs.3.loss) from fit's input.
  if (field === 'law' || field.startsWith('law.')) return '--law';
  if (field === 'runs' || field.startsWith('runs.')) return '--input';
  // constraints.models.2 names the third model of --models.
  return FLAG_FOR_FIELD[field] ?? FLAG_FOR_FIELD[field.replace(/\.\d+$/, '')];
}

const planJson = apiJson(PlanSchema);
const evaluationJson = apiJson(EvaluationSchema);
const lawsJson = apiJson(LawsResponseSchema);
const targetJson = apiJson(TargetResponseSchema);
const fitJson = apiJson(FitsResponseSchema);
const frontierJson = apiJson(FrontierResponseSchema);

/** The JSON in a file, or on standard input for `-` or no file; what cannot be read or parsed names `flag`. */
function readJson(file: string | undefined, flag: string): unknown {
  const source = file === undefined || file === '-' ? 'standard input' : file;
  let text: string;
  try {
    text = readFileSync(source === 'standard input' ? 0 : source, 'utf8');
  } catch (error) {
    throw new UsageError(`${flag}: cannot read ${source}: ${(error as Error).message}`, false);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${flag}: ${source} is not JSON: ${(error as Error).message}`, false);
  }
}

/**
 * Runs `run` on the request with the law of `--law` when given: POST /v1/fits' `law`, or the whole answer that holds it
 * (what `fit --json` prints). The core checks it as it checks a request's law, naming the field; then a law file the
 * API would refuse (a key it does not know) is refused too (withApiSchema).
 */
function withLawFile<R extends object, T>(
  request: R,
  lawFile: string | undefined,
  run: (request: R & { law?: CustomLaw }) => T,
): T {
  if (lawFile === undefined) return run(request);
  const json = readJson(lawFile, '--law');
  const law = typeof json === 'object' && json !== null && 'law' in json ? json.law : json;
  const withFileLaw = { ...request, law: law as CustomLaw };
  return withApiSchema(CustomLawSchema, law, '--law', () => run(withFileLaw));
}

/** Issues listed in a refusal at most, as the API lists at most 20. */
const LISTED_ISSUES = 5;

/**
 * Runs `run` (the core, which checks its input and names the field) and then refuses what the API's schema for the
 * same JSON would refuse beyond it, above all keys it does not know (a misspelt "datasetimages" the core would
 * silently ignore): a file the API answers with 400 is refused here too, exit 2, naming the field.
 */
function withApiSchema<T>(schema: z.ZodType, value: unknown, flag: string, run: () => T): T {
  const checked = schema.safeParse(value);
  const result = run();
  if (checked.success) return result;
  const issues = checked.error.issues
    .slice(0, LISTED_ISSUES)
    .map((issue) => `${issue.path.join('.') || '(the JSON)'}: ${issue.message}`);
  throw new UsageError(`${flag}: ${issues.join('; ')}`, false);
}

/** POST /v1/fits' body from fit's input (the body, or just its runs as an array) and the flags that override it. */
function fitRequest(command: Extract<Command, { kind: 'fit' }>): FitRunsRequest {
  const input = readJson(command.inputFile, '--input');
  const body = (Array.isArray(input) ? { runs: input } : input) as FitRunsRequest;
  if (typeof body !== 'object' || body === null) return body;
  const { datasetImages, bootstrapSamples, seed } = command.overrides;
  const bootstrap =
    bootstrapSamples === undefined && seed === undefined
      ? body.bootstrap
      : {
          ...body.bootstrap,
          ...(bootstrapSamples === undefined ? {} : { samples: bootstrapSamples }),
          ...(seed === undefined ? {} : { seed }),
        };
  return {
    ...body,
    ...(datasetImages === undefined ? {} : { datasetImages }),
    ...(bootstrap === undefined ? {} : { bootstrap }),
  };
}

/**
 * Fits the paper's laws (tens of milliseconds, bench/fit-laws.ts) and their ensemble (about half a second) for the
 * commands that plan, so the CLI's intervals are the API's.
 */
function plannerContext(): PlannerContext {
  const laws = fitPaperLaws();
  return createPlannerContext(laws, fitLawEnsemble(laws));
}

async function execute(command: Command, out: CliHost): Promise<number> {
  switch (command.kind) {
    case 'help':
      out.stdout(USAGE);
      return EXIT_OK;
    case 'plan': {
      const result = withLawFile(command.request, command.lawFile, (request) =>
        plan(plannerContext(), request),
      );
      out.stdout(`${command.json ? planJson(result) : renderPlan(result)}\n`);
      return EXIT_OK;
    }
    case 'evaluate': {
      const result = withLawFile(command.request, command.lawFile, (request) =>
        evaluateConfiguration(plannerContext(), request),
      );
      out.stdout(
        `${command.json ? evaluationJson(result) : renderEvaluation(result, command.request.cores)}\n`,
      );
      return EXIT_OK;
    }
    case 'target': {
      const result = withLawFile(command.request, command.lawFile, (request) =>
        budgetForTarget(plannerContext(), request),
      );
      out.stdout(`${command.json ? targetJson(result) : renderTarget(result)}\n`);
      return EXIT_OK;
    }
    case 'fit': {
      // The cost law a fit falls back on when the runs report no costs: the paper's, as POST /v1/fits uses.
      const request = fitRequest(command);
      const result = withApiSchema(FitsRequestSchema, request, '--input', () =>
        fitRuns(request, buildCostModel()),
      );
      out.stdout(`${command.json ? fitJson(result) : renderFit(result)}\n`);
      return EXIT_OK;
    }
    case 'frontier': {
      const result = frontierSeries(plannerContext(), command.request);
      out.stdout(`${command.json ? frontierJson(result) : renderFrontier(result)}\n`);
      return EXIT_OK;
    }
    case 'laws': {
      const laws = fitPaperLaws();
      const report = lawsReport(laws, fitLawEnsemble(laws));
      out.stdout(`${command.json ? lawsJson(report) : renderLaws(report)}\n`);
      return EXIT_OK;
    }
    case 'serve':
      await out.serve();
      return EXIT_OK;
  }
}

/**
 * Runs one command line. Exit codes: 0 success; 2 bad input (usage, or a PlannerInputError / InfeasibleError from the
 * core, the same requests the API answers with 400 / 422), the reason on stderr; 1 anything unexpected.
 */
export async function runCli(
  argv: readonly string[],
  out: CliHost,
  env: Readonly<Record<string, string | undefined>> = {},
): Promise<number> {
  if (argv[0] !== undefined && STORAGE_COMMANDS.has(argv[0])) return runStorageCommand(argv, out, env);
  let command: Command;
  try {
    command = parseCommandLine(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    out.stderr(
      `scaleplan: ${error.message}\n${error.showUsage ? `\n${USAGE}` : "Run 'scaleplan --help' for usage.\n"}`,
    );
    return EXIT_BAD_INPUT;
  }
  try {
    return await execute(command, out);
  } catch (error) {
    if (error instanceof UsageError) {
      out.stderr(`scaleplan ${command.kind}: ${error.message}\n`);
      return EXIT_BAD_INPUT;
    }
    if (error instanceof PlannerInputError) {
      const flag = flagFor(error.field);
      out.stderr(`scaleplan ${command.kind}: ${flag === undefined ? '' : `${flag}: `}${error.message}\n`);
      return EXIT_BAD_INPUT;
    }
    if (error instanceof InfeasibleError) {
      out.stderr(`scaleplan ${command.kind}: infeasible: ${error.message}\n`);
      return EXIT_BAD_INPUT;
    }
    out.stderr(
      `scaleplan: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    return EXIT_UNEXPECTED;
  }
}
