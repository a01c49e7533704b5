import type { DatasetVersionRecord } from '../store/metadata-store.js';
import { profileOf, schemaOf } from './datasets.js';
import type { ColumnProfile, ColumnSchema } from './profile.js';

/**
 * What changed between two dataset versions: schema, row counts, and a per-column shift summary from the stored
 * profiles (no data is re-read). The summary is a screening aid; drift tests proper live in monitoring.
 *
 * Numbers: `meanShift` is (mean_b − mean_a) / std_a (a standardized mean difference). Strings: `totalVariation` is
 * half the L1 distance between the two top-category distributions, categories outside both tops lumped as "other".
 * `level`: 'large' when |meanShift| ≥ 0.5 or totalVariation ≥ 0.2 or the null share moved by ≥ 0.1; 'moderate'
 * at 0.2 / 0.1 / 0.02; otherwise 'none'.
 */
export interface DatasetDiff {
  a: VersionSide;
  b: VersionSide;
  rowCountDelta: number;
  schema: {
    added: ColumnSchema[];
    removed: ColumnSchema[];
    typeChanged: { name: string; from: string; to: string }[];
  };
  columns: ColumnShift[];
}

interface VersionSide {
  ref: string;
  digest: string;
  rowCount: number;
  rejectedRowCount: number;
}

export type ShiftLevel = 'none' | 'moderate' | 'large';

export interface ColumnShift {
  name: string;
  nullShare: [number, number];
  distinct: [number, number];
  mean?: [number | null, number | null];
  std?: [number | null, number | null];
  median?: [number | null, number | null];
  meanShift?: number | null;
  totalVariation?: number;
  level: ShiftLevel;
}

export function diffVersions(a: DatasetVersionRecord, b: DatasetVersionRecord): DatasetDiff {
  const schemaA = schemaOf(a);
  const schemaB = schemaOf(b);
  const namesA = new Map(schemaA.map((c) => [c.name, c]));
  const namesB = new Map(schemaB.map((c) => [c.name, c]));
  const profileA = new Map(profileOf(a).columns.map((c) => [c.name, c]));
  const profileB = new Map(profileOf(b).columns.map((c) => [c.name, c]));
  const columns: ColumnShift[] = [];
  for (const column of schemaA) {
    const pa = profileA.get(column.name);
    const pb = profileB.get(column.name);
    if (pa && pb) columns.push(shiftOf(pa, pb));
  }
  return {
    a: side(a),
    b: side(b),
    rowCountDelta: b.rowCount - a.rowCount,
    schema: {
      added: schemaB.filter((c) => !namesA.has(c.name)),
      removed: schemaA.filter((c) => !namesB.has(c.name)),
      typeChanged: schemaA.flatMap((c) => {
        const other = namesB.get(c.name);
        return other && other.type !== c.type ? [{ name: c.name, from: c.type, to: other.type }] : [];
      }),
    },
    columns,
  };
}

function side(v: DatasetVersionRecord): VersionSide {
  return {
    ref: `${v.datasetName}@${v.version}`,
    digest: v.digest,
    rowCount: v.rowCount,
    rejectedRowCount: v.rejectedRowCount,
  };
}

function shiftOf(a: ColumnProfile, b: ColumnProfile): ColumnShift {
  const shift: ColumnShift = {
    name: a.name,
    nullShare: [a.nullShare, b.nullShare],
    distinct: [a.distinct, b.distinct],
    level: 'none',
  };
  const nullMove = Math.abs(b.nullShare - a.nullShare);
  let score = nullMove >= 0.1 ? 2 : nullMove >= 0.02 ? 1 : 0;
  if (a.numeric && b.numeric) {
    const na = a.numeric;
    const nb = b.numeric;
    shift.mean = [na.mean, nb.mean];
    shift.std = [na.std, nb.std];
    shift.median = [na.quantiles.p50, nb.quantiles.p50];
    shift.meanShift = standardizedShift(na.mean, nb.mean, na.std);
    const d = Math.abs(shift.meanShift ?? 0);
    score = Math.max(score, d >= 0.5 ? 2 : d >= 0.2 ? 1 : 0);
  } else if (a.categories && b.categories) {
    shift.totalVariation = totalVariation(a, b);
    score = Math.max(score, shift.totalVariation >= 0.2 ? 2 : shift.totalVariation >= 0.1 ? 1 : 0);
  }
  shift.level = (['none', 'moderate', 'large'] as const)[score]!;
  return shift;
}

function standardizedShift(meanA: number | null, meanB: number | null, stdA: number | null): number | null {
  if (meanA === null || meanB === null) return null;
  if (stdA === null || stdA === 0) return meanA === meanB ? 0 : null;
  return (meanB - meanA) / stdA;
}

function totalVariation(a: ColumnProfile, b: ColumnProfile): number {
  const share = (p: ColumnProfile) => {
    const counts = new Map((p.categories?.top ?? []).map((t) => [t.value, t.count]));
    return { counts, total: p.count };
  };
  const sa = share(a);
  const sb = share(b);
  if (sa.total === 0 || sb.total === 0) return sa.total === sb.total ? 0 : 1;
  const keys = new Set([...sa.counts.keys(), ...sb.counts.keys()]);
  let sum = 0;
  let restA = 1;
  let restB = 1;
  for (const key of keys) {
    const pa = (sa.counts.get(key) ?? 0) / sa.total;
    const pb = (sb.counts.get(key) ?? 0) / sb.total;
    sum += Math.abs(pa - pb);
    restA -= pa;
    restB -= pb;
  }
  return (sum + Math.abs(restA - restB)) / 2;
}
