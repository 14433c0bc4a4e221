/**
 * Prometheus metrics (fastify-metrics 13), collected here and served off the API port (../metricsServer.ts). The request-duration
 * histogram uses sub-millisecond buckets: the default ones start at 50 ms, where every request of this service would
 * land in the first bucket. The summary is off: its quantile sketch costs more per request than the histogram and
 * quantiles are better computed from the histogram in Prometheus.
 */
import type { FastifyPluginAsync } from 'fastify';
import fastifyMetricsModule from 'fastify-metrics';
import fp from 'fastify-plugin';

// A CommonJS module with an `exports.default`: under NodeNext the default import is the whole module.
const fastifyMetrics = fastifyMetricsModule.default;

/** Upper bounds in seconds: 50 us to 1 s. */
export const REQUEST_DURATION_BUCKETS_SECONDS = [
  0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1,
];

const metricsPlugin: FastifyPluginAsync = async (app) => {
  await app.register(fastifyMetrics, {
    // No route on the API port: the metrics (Node version, process figures, per-route counts) are for the operator,
    // served on METRICS_PORT by ../metricsServer.ts.
    endpoint: null,
    // The default prom-client registry is process-wide; one app per process in production, many in tests.
    clearRegisterOnInit: true,
    routeMetrics: {
      enabled: { histogram: true, summary: false },
      overrides: { histogram: { buckets: REQUEST_DURATION_BUCKETS_SECONDS } },
    },
  });
};

export default fp(metricsPlugin, { name: 'metrics' });
