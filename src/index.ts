/**
 * annoconv as a library. Everything the CLI does is available here; nothing here prints or exits:
 * problems arrive through `onDiagnostic`, and fatal ones as a thrown {@link AnnoconvError}.
 */
export { convert, validate, detect, scan } from './core/run.js';
export { stats, StatsCollector } from './ops/stats.js';
export { filter, filterTransform } from './ops/filter.js';
export type { FilterSpec } from './ops/filter.js';
export { remap, parseLabelMap } from './ops/remap.js';
export type { LabelMap, Unmapped } from './ops/remap.js';
export { split, Splitter } from './ops/split.js';
export { merge } from './ops/merge.js';
export { diff, diffAnnotations } from './ops/diff.js';
export { shapeIou } from './model/rasterize.js';
export { preview } from './preview/index.js';
export type { PreviewParams, PreviewReport, PreviewResult } from './preview/index.js';
export type { DiffParams, DiffReport, DiffResult, ItemDiff, AnnotationChange, LabelTotals } from './ops/diff.js';
export type { MergeParams, MergeResult, OnDuplicate } from './ops/merge.js';
export type { SplitSpec, SplitReport, SplitResult } from './ops/split.js';
export type { OperationParams, OperationResult, Change } from './ops/operation.js';
export type { DatasetStats, LabelStats, Distribution, StatsResult } from './ops/stats.js';
export type { ItemTransform } from './core/pipeline.js';
export type { ConvertParams, CommonParams, RunResult } from './core/run.js';
export type { RunStats, Loss } from './core/pipeline.js';
export { readItems } from './core/items.js';
export { listFormats, findFormat } from './core/registry.js';
export type { FormatDescriptor } from './core/format.js';
export { openInput, bufferInput, streamInput, MemorySink } from './core/io.js';
export { openOutput } from './core/output.js';
export type { InputSource, OutputSink } from './core/io.js';
export { AnnoconvError } from './core/diagnostics.js';
export type { Diagnostic, Severity, Place } from './core/diagnostics.js';
export { CODES } from './core/codes.js';
export type { Code } from './core/codes.js';
export type { Options } from './core/options.js';
export type { SetChoice } from './core/annotation-sets.js';
export * from './model/types.js';
export * as geometry from './model/geometry.js';
