import { PlannerInputError } from '../errors.js';
import { type NfnetVariant, variantSpec } from './variants.js';

/**
 * Parameter and MAC counts of an NFNet, layer by layer, from the layer definitions in data/nfnet-architecture.md
 * (Brock et al. 2021, arXiv 2102.06171, and DeepMind's public implementation).
 *
 * Counting convention (the same file): a convolution costs H_out x W_out x C_out x k x k x C_in / groups MACs, a dense
 * layer in x out; biases, activations, pooling, the SE gate, residual adds and weight standardisation cost nothing.
 * SAME padding gives H_out = ceil(H_in / stride). FLOPs = 2 x MACs.
 */

export interface LayerCount {
  /** Path of the layer, e.g. "stage2.block0.conv1". */
  readonly name: string;
  readonly kind: 'conv' | 'dense' | 'scalar';
  readonly params: number;
  readonly macs: number;
  /** Spatial side of the layer's output (1 for dense and scalar layers). */
  readonly outputResolution: number;
}

export interface ArchitectureCount {
  readonly variant: NfnetVariant;
  readonly resolution: number;
  readonly classes: number;
  readonly params: number;
  readonly macs: number;
  /** 2 x MACs, forward pass, one image. */
  readonly flops: number;
  readonly layers: readonly LayerCount[];
}

/** Group width of the grouped 3x3 convolutions. */
const GROUP_WIDTH = 128;
const STAGE_STRIDES = [1, 2, 2, 2] as const;
/** Bottleneck of the first Fk+ stage: 192 channels in one group, which reproduces the published F4+ numbers. */
const PLUS_STAGE1_BOTTLENECK = 192;
export const MAX_RESOLUTION = 8192;
export const MAX_CLASSES = 10_000_000;

/** Weight-standardised convolution: weights plus a per-output-channel gain and bias. */
function conv(
  name: string,
  inputResolution: number,
  cin: number,
  cout: number,
  kernel: number,
  stride: number,
  groups = 1,
): LayerCount {
  const outputResolution = Math.ceil(inputResolution / stride);
  const weights = (kernel * kernel * cin * cout) / groups;
  return {
    name,
    kind: 'conv',
    params: weights + 2 * cout,
    macs: outputResolution * outputResolution * weights,
    outputResolution,
  };
}

function dense(name: string, cin: number, cout: number): LayerCount {
  return { name, kind: 'dense', params: cin * cout + cout, macs: cin * cout, outputResolution: 1 };
}

function bottleneckWidth(out: number, plus: boolean, stage: number): number {
  if (plus && stage === 0) return PLUS_STAGE1_BOTTLENECK;
  return GROUP_WIDTH * Math.floor((0.5 * out) / GROUP_WIDTH);
}

function assertPositiveInteger(value: number, field: string, max: number): void {
  if (!Number.isInteger(value) || value <= 0 || value > max) {
    throw new PlannerInputError(field, `${field} must be a whole number from 1 to ${max}; got ${value}`);
  }
}

/**
 * Counts parameters, MACs and FLOPs of `variant` for square `resolution` inputs and `classes` outputs.
 * Parameters do not depend on resolution; each extra class adds (2 x last width) + 1 parameters.
 */
export function countNfnet(variant: NfnetVariant, resolution = 224, classes = 30_000): ArchitectureCount {
  assertPositiveInteger(resolution, 'resolution', MAX_RESOLUTION);
  assertPositiveInteger(classes, 'classes', MAX_CLASSES);
  const spec = variantSpec(variant);
  const layers: LayerCount[] = [];

  // Stem: four 3x3 convolutions, total stride 4.
  let size = resolution;
  const stemWidths = [3, 16, 32, 64, spec.stageWidths[0] / 2];
  const stemStrides = [2, 1, 1, 2];
  for (let i = 0; i < 4; i++) {
    const layer = conv(
      `stem.conv${i}`,
      size,
      stemWidths[i] as number,
      stemWidths[i + 1] as number,
      3,
      stemStrides[i] as number,
    );
    layers.push(layer);
    size = layer.outputResolution;
  }

  let channels = stemWidths[4] as number;
  spec.stageDepths.forEach((depth, stage) => {
    const out = spec.stageWidths[stage] as number;
    const mid = bottleneckWidth(out, spec.plus, stage);
    const groups = spec.plus && stage === 0 ? 1 : mid / GROUP_WIDTH;
    for (let block = 0; block < depth; block++) {
      const stride = block === 0 ? (STAGE_STRIDES[stage] as number) : 1;
      const prefix = `stage${stage + 1}.block${block}`;
      const conv0 = conv(`${prefix}.conv0`, size, channels, mid, 1, 1);
      const conv1 = conv(`${prefix}.conv1`, size, mid, mid, 3, stride, groups);
      const outSize = conv1.outputResolution;
      const conv1b = conv(`${prefix}.conv1b`, outSize, mid, mid, 3, 1, groups);
      const conv2 = conv(`${prefix}.conv2`, outSize, mid, out, 1, 1);
      const seHidden = Math.floor(0.5 * out);
      layers.push(
        conv0,
        conv1,
        conv1b,
        conv2,
        dense(`${prefix}.se.reduce`, out, seHidden),
        dense(`${prefix}.se.expand`, seHidden, out),
        { name: `${prefix}.skipGain`, kind: 'scalar', params: 1, macs: 0, outputResolution: 1 },
      );
      if (block === 0 && (stride > 1 || channels !== out)) {
        // 2x2 average pool (free) when strided, then a 1x1 projection at the output resolution.
        layers.push(conv(`${prefix}.shortcut`, outSize, channels, out, 1, 1));
      }
      channels = out;
      size = outSize;
    }
  });

  const headWidth = 2 * channels;
  layers.push(
    conv('head.conv', size, channels, headWidth, 1, 1),
    dense('head.classifier', headWidth, classes),
  );

  let params = 0;
  let macs = 0;
  for (const layer of layers) {
    params += layer.params;
    macs += layer.macs;
  }
  return { variant, resolution, classes, params, macs, flops: 2 * macs, layers };
}
