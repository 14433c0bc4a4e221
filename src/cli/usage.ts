/**
 * The CLI's help text. The lists of units, objectives, strategies, accelerators and bases come from the core's own
 * constants, so the help cannot drift from what the planner accepts.
 */
import { FACTS } from '../core/dataset/facts.js';
import { OBJECTIVES, STRATEGIES } from '../core/planner/request.js';
import {
  DEFAULT_INTERVAL_LEVEL,
  MAX_INTERVAL_LEVEL,
  MIN_INTERVAL_LEVEL,
} from '../core/uncertainty/intervals.js';
import { ACCELERATORS, GPU_ACCELERATORS } from '../core/units/accelerators.js';
import { BUDGET_UNITS } from '../core/units/budget.js';
import { TPU_V3_BASES } from '../core/units/tpuV3.js';
import { STORAGE_USAGE } from './storageCommands.js';

const list = (values: readonly string[]) => values.join(' | ');

export const USAGE = `Usage: scaleplan <command> [options]

Plan NFNet pre-training from a compute budget (Smith, Brock, Berrada & De 2023, arXiv 2310.16764).

Commands:
  plan <amount>              Plan a run for a budget of <amount> in --unit.
  target --jft-loss <n> | --imagenet-top1 <n>
                             The smallest budget whose plan reaches a JFT-4B loss or an ImageNet top-1 (%).
  evaluate <model> <epochs>  Cost, predictions and learning rate of one configuration, e.g. evaluate F3+ 2.
  fit [--input <file>]       Fit the loss surface to your own runs (POST /v1/fits' body, or an array of runs, as
                             JSON; standard input by default), with the allocation it implies.
  frontier                   The recommended run and its prediction under each strategy over a grid of budgets.
  laws                       Every fitted law, its fit quality, and the allocation exponents of each strategy.
  serve                      Start the HTTP API (configured by PORT, HOST, LOG_LEVEL and the other variables
                             of src/config.ts); SIGTERM or SIGINT shuts it down gracefully.

${STORAGE_USAGE}
Options for plan:
  --unit <unit>              ${list(BUDGET_UNITS)} (default tpu_v4_core_hours)
  --objective <name>         ${list(OBJECTIVES)} (default jft_loss)
  --strategy <name>          ${list(STRATEGIES)} (default equal_rate)
  --models <list>            Only these variants, comma-separated, e.g. F3,F3+,F4+ (default all 16)
  --min-epochs <n>           Fewest epochs over the dataset
  --max-epochs <n>           Most epochs over the dataset
  --dataset-images <n>       Images in one epoch (default JFT-4B, 4e9)
  --cores <n>                TPU-v4 cores the run will use, for a wall-clock estimate
  --batch-size <n>           Images per step (default 4096)
  --previous-lr <n>          Optimal learning rate found for a smaller configuration
  --accelerator <name>       gpu_hours only: ${list(GPU_ACCELERATORS)}
  --peak-tflops <n>          gpu_hours only: dense bf16 peak of another GPU, TFLOP/s
  --utilization <n>          gpu_hours only: fraction of peak sustained, in (0, 1]
  --tpu-v3-basis <name>      tpu_v3_core_hours only: ${list(TPU_V3_BASES)} (default vit, the paper's own conversions)
  --run-on <name>            The devices the run will use, for wall clock and price: ${list(ACCELERATORS)}
  --count <n>                How many of them (with --run-on)
  --price-per-hour <n>       Price of one device for one hour, any currency (with --run-on and --count)
  --interval-level <n>       Level of every interval, ${MIN_INTERVAL_LEVEL} to ${MAX_INTERVAL_LEVEL} (default ${DEFAULT_INTERVAL_LEVEL})
  --law <file>               Plan with your own law instead of the paper's: the JSON of fit --json (or its law)

Options for target:
  --jft-loss <n>             Reach this JFT-4B held-out loss, or
  --imagenet-top1 <n>        reach this ImageNet top-1 (%) after fine-tuning (exactly one of the two)
  the options of plan but --unit, --accelerator, --peak-tflops, --utilization and --tpu-v3-basis (the budget's);
  --objective defaults to the target's

Options for evaluate:
  --dataset-images <n>, --batch-size <n>, --cores <n>, --previous-lr <n>, --interval-level <n>, --law <file>
                             as for plan

Options for fit:
  --input <file>             The runs' JSON (- or none: standard input). A run: model (an NFNet variant) or
                             flopsPerImage, epochs or imagesSeen, loss, and optionally costTpuV4CoreHours
  --dataset-images <n>       Images in one epoch of the runs' dataset (default JFT-4B, 4e9)
  --bootstrap-samples <n>    Add 95 % percentile-bootstrap intervals from this many resamples
  --seed <n>                 The bootstrap's seed (default 0; implies the bootstrap, 1,000 samples by default)

Options for frontier:
  --from <n>, --to <n>       The grid's ends in TPU-v4 core hours (default the paper's range, ${FACTS.budgetMinTpuV4CoreHours.value} to ${FACTS.budgetMaxTpuV4CoreHours.value})
  --points <n>               Budgets on the log grid (default 25)
  --objective <name>, --interval-level <n>   as for plan

Options for plan, target, evaluate, fit, frontier and laws:
  --json                     Print the HTTP API's JSON body for the same request (POST /v1/plans,
                             POST /v1/targets, GET /v1/evaluate, POST /v1/fits, GET /v1/frontier,
                             GET /v1/laws) instead of a table
  -h, --help                 Print this help

Numbers: digits with an optional fraction and exponent, and _ between digits: 50000, 50_000, 5e4, 0.5.
Hexadecimal, commas, Infinity and NaN are rejected. A negative value may be written as is (plan -5 is read
as the amount -5, and refused).

Exit codes: 0 success; 2 bad input or an infeasible request (the reason on stderr); 1 an unexpected error.

Examples:
  scaleplan plan 50000
  scaleplan plan 5e4 --unit tpu_v4_core_hours --objective imagenet_top1 --cores 512
  scaleplan plan 20000 --unit gpu_hours --accelerator h100 --json | jq .recommendation.model.name
  scaleplan target --jft-loss 2.5
  scaleplan target --imagenet-top1 88 --models F1,F3,F3+,F7,F7+ --json | jq .byPlanner.tpuV4CoreHours
  scaleplan evaluate F3+ 2
  scaleplan fit --input runs.json --bootstrap-samples 1000
  scaleplan fit --input runs.json --json > fit.json && scaleplan plan 20000 --law fit.json
  scaleplan frontier --from 1000 --to 1e6 --points 7 --objective imagenet_top1
  scaleplan laws
`;
