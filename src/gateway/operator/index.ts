export * from './rejection-reports.js';
export { reportingPipeline } from './reporting-pipeline.js';
