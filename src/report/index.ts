export * from './triage/index.js';
