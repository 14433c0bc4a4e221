/**
 * Numbers stated in the text of Smith, Brock, Berrada & De (2023), arXiv 2310.16764 (data/paper/paper_facts.md),
 * plus the few vendor figures the unit conversions need. Each carries where it comes from, so that every number the
 * planner derives from one can say so ("stated", as opposed to "digitized" figure data or a "fitted" law).
 */

export interface StatedFact {
  readonly value: number;
  readonly unit: string;
  /** What the number means, in words. */
  readonly meaning: string;
  /** Where it is stated: the paper's section, or the vendor document for hardware figures. */
  readonly source: string;
  readonly kind: 'stated' | 'vendor' | 'literature';
}

const PAPER = 'Smith et al. 2023, arXiv 2310.16764';

function stated(value: number, unit: string, meaning: string, where: string): StatedFact {
  return { value, unit, meaning, source: `${PAPER}, text: ${where}`, kind: 'stated' };
}

function literature(value: number, unit: string, meaning: string, source: string): StatedFact {
  return { value, unit, meaning, source, kind: 'literature' };
}

function vendor(value: number, unit: string, meaning: string, source: string): StatedFact {
  return { value, unit, meaning, source, kind: 'vendor' };
}

export const FACTS = {
  jftImages: stated(4.0e9, 'images', 'JFT-4B holds roughly 4 billion labelled images', 'pre-training setup'),
  jftClasses: stated(30_000, 'classes', 'JFT-4B has roughly 30k classes', 'pre-training setup'),
  pretrainResolution: stated(224, 'px', 'pre-training resolution 224x224', 'pre-training setup'),
  batchSize: stated(4096, 'images', 'pre-training batch size', 'pre-training setup'),
  budgetMinTpuV4CoreHours: stated(
    400,
    'TPU-v4 core hours',
    'smallest compute budget studied (0.4k)',
    'pre-training setup',
  ),
  budgetMaxTpuV4CoreHours: stated(
    110_000,
    'TPU-v4 core hours',
    'largest compute budget studied (~110k)',
    'pre-training setup',
  ),
  minEpochsStudied: stated(0.25, 'epochs', 'smallest epoch budget trained per model', 'pre-training setup'),
  maxEpochsStudied: stated(8, 'epochs', 'largest epoch budget trained per model', 'pre-training setup'),
  learningRateGridFactor: stated(
    2,
    'ratio',
    'the base learning rate was tuned on a logarithmic grid spaced by factors of 2',
    'pre-training setup',
  ),
  shortRunLearningRate: stated(
    1.6,
    'base learning rate',
    'all models share an optimal learning rate of about 1.6 for small epoch budgets',
    'scaling rules (learning rate)',
  ),
  learningRateTrials: stated(
    2,
    'trials',
    'the learning rate can be tuned within 2 trials, assuming the optimum falls slowly but monotonically with model size and epochs',
    'scaling rules (learning rate)',
  ),
  epochsAboveOneFromTpuV4CoreHours: stated(
    5_000,
    'TPU-v4 core hours',
    'the optimal epoch budget was greater than 1 for compute budgets greater than roughly 5k TPU-v4 core hours',
    'scaling rules (epochs > 1)',
  ),
  equalRateScalingExponent: stated(
    0.5,
    'exponent',
    'scale model size and training epochs at the same rate, so each takes half of the compute exponent',
    'scaling rules (allocation, after Hoffmann et al. 2022)',
  ),
  f7PlusPretrainTpuV4CoreHours: stated(
    110_000,
    'TPU-v4 core hours',
    'pre-training cost of the best model, NFNet-F7+ for 8 epochs',
    'fine-tuning on ImageNet',
  ),
  f7PlusPretrainTpuV3CoreHours: stated(
    250_000,
    'TPU-v3 core hours',
    "the paper's TPU-v3 estimate for the same F7+ run; printed as '250', the 'k' is implied since a TPU-v3 core is the slower one",
    'comparison with ViT compute',
  ),
  finetuneTpuV4CoreHoursF7Plus: stated(
    1_600,
    'TPU-v4 core hours',
    'fine-tuning NFNet-F7+ on ImageNet costs roughly 1.6k core hours',
    'fine-tuning on ImageNet',
  ),
  finetuneEpochs: stated(50, 'epochs', 'ImageNet fine-tuning runs for 50 epochs', 'fine-tuning on ImageNet'),
  finetuneResolution: stated(384, 'px', 'fine-tuning trains at 384x384', 'fine-tuning on ImageNet'),
  finetuneEvalResolution: stated(
    480,
    'px',
    'fine-tuned models are evaluated at 480x480',
    'fine-tuning on ImageNet',
  ),
  imagenetClasses: stated(1_000, 'classes', 'ImageNet has 1,000 classes', 'fine-tuning on ImageNet'),
  bestImagenetTop1Percent: stated(
    90.3,
    '%',
    'NFNet-F7+ pre-trained 8 epochs, fine-tuned: 90.3% top-1',
    'fine-tuning on ImageNet',
  ),
  bestImagenetTop1PercentWithRa: stated(
    90.4,
    '%',
    'the same model fine-tuned with repeated augmentation: 90.4% top-1',
    'fine-tuning on ImageNet',
  ),
  noExtraDataImagenetTop1Percent: stated(
    86.8,
    '%',
    'best NFNet without pre-training (F5 with repeated augmentation)',
    'fine-tuning on ImageNet',
  ),
  vitG14TpuV3CoreHours: stated(
    210_000,
    'TPU-v3 core hours',
    'ViT-g/14 reported pre-training compute',
    'Vision Transformer baselines',
  ),
  vitG14TpuV4CoreHours: stated(
    120_000,
    'TPU-v4 core hours',
    'ViT-g/14 measured on TPU-v4 by the paper',
    'Vision Transformer baselines',
  ),
  vitBigG14TpuV3CoreHours: stated(
    500_000,
    'TPU-v3 core hours',
    'ViT-G/14 reported compute (over 500k)',
    'Vision Transformer baselines',
  ),
  vitBigG14TpuV4CoreHours: stated(
    280_000,
    'TPU-v4 core hours',
    'ViT-G/14 measured on TPU-v4',
    'Vision Transformer baselines',
  ),
  soVit400mTpuV3CoreHours: stated(
    230_000,
    'TPU-v3 core hours',
    'SoViT-400m/14 reported compute',
    'Vision Transformer baselines',
  ),
  soVit400mTpuV4CoreHours: stated(
    130_000,
    'TPU-v4 core hours',
    'SoViT-400m/14 measured on TPU-v4',
    'Vision Transformer baselines',
  ),
  tpuV4PeakTflopsPerChip: vendor(
    275,
    'TFLOP/s (bf16)',
    'TPU-v4 peak dense bf16 throughput per chip',
    'Google Cloud TPU v4 documentation',
  ),
  tpuV4CoresPerChip: vendor(2, 'cores', 'TensorCores per TPU-v4 chip', 'Google Cloud TPU v4 documentation'),
  a100PeakTflops: vendor(312, 'TFLOP/s (bf16)', 'NVIDIA A100 dense bf16 peak', 'NVIDIA A100 datasheet'),
  h100PeakTflops: vendor(989, 'TFLOP/s (bf16)', 'NVIDIA H100 SXM dense bf16 peak', 'NVIDIA H100 datasheet'),
  h200PeakTflops: vendor(989, 'TFLOP/s (bf16)', 'NVIDIA H200 SXM dense bf16 peak', 'NVIDIA H200 datasheet'),
  b200PeakTflops: vendor(
    2250,
    'TFLOP/s (bf16)',
    'NVIDIA B200 dense bf16 peak (the datasheet prints 4.5 PFLOP/s with 2:4 sparsity; dense is half)',
    'NVIDIA HGX B200 datasheet',
  ),
  tpuV5ePeakTflopsPerChip: vendor(
    197,
    'TFLOP/s (bf16)',
    'TPU v5e peak bf16 throughput per chip (one TensorCore per chip)',
    'Google Cloud TPU v5e documentation',
  ),
  tpuV5pPeakTflopsPerChip: vendor(
    459,
    'TFLOP/s (bf16)',
    'TPU v5p peak bf16 throughput per chip',
    'Google Cloud TPU v5p documentation',
  ),
  tpuV5pCoresPerChip: vendor(
    2,
    'cores',
    'TensorCores per TPU v5p chip',
    'Google Cloud TPU v5p documentation',
  ),
  tpuV6ePeakTflopsPerChip: vendor(
    918,
    'TFLOP/s (bf16)',
    'TPU v6e (Trillium) peak bf16 throughput per chip (one TensorCore per chip)',
    'Google Cloud TPU v6e documentation',
  ),
  linearScalingMaxBatchSize: literature(
    8192,
    'images',
    'the linear learning-rate scaling rule held up to batches of about 8k images and broke down beyond',
    'Goyal et al. 2017, "Accurate, Large Minibatch SGD: Training ImageNet in 1 Hour", arXiv 1706.02677, section 5',
  ),
} as const satisfies Record<string, StatedFact>;

export type FactId = keyof typeof FACTS;

/** TPU-v4 peak per core: 275 TFLOP/s per chip over 2 TensorCores. */
export const TPU_V4_PEAK_TFLOPS_PER_CORE = FACTS.tpuV4PeakTflopsPerChip.value / FACTS.tpuV4CoresPerChip.value;
