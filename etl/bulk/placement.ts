// District placement for the bulk table reader, computed once per combination of a district input
// (code, name, inferred name) and a point class (no point, outside every district, or district k)
// rather than once per row.

import type { DistrictPolicy } from '../config.ts';
import type { Assignment, District, Region } from '../districts.ts';
import { applyDistrictPolicy, type Placement, type PlacementReject } from '../district-policy.ts';

/** Point classes: no point, a point in no district, or (k + 1) for a point in region.districts[k]. */
export const NO_POINT = -1;
export const OUTSIDE_DISTRICTS = 0;

export interface DistrictInput {
  readonly code: string | null;
  readonly name: string | null;
  readonly byCode: District | undefined;
  readonly byName: District | undefined;
  readonly inferred: boolean;
}

/**
 * Forms of a placement reject's value, because two reasons quote the row's point. The value is the
 * `value` column as it is, the row's point as "latitude, longitude" (null without a point), or the
 * row's point followed by the `value` column (" ∉ <district>").
 */
export const RejectValueKind = { Fixed: 0, Point: 1, PointThenValue: 2 } as const;
export type RejectValueKind = (typeof RejectValueKind)[keyof typeof RejectValueKind];

export type BulkPlacement = Placement | (PlacementReject & { valueKind: RejectValueKind });

/**
 * Mirrors assignDistrict in etl/districts.ts with the point-in-polygon result given: code first,
 * then name, then the point. A code and a name that disagree are a conflict.
 */
function assignFromParts(input: DistrictInput, pointClass: number, region: Region): Assignment {
  const { byCode, byName } = input;
  if (byCode && byName && byCode !== byName) {
    return { ok: false, reason: 'district_conflict', field: 'district_name', value: `${input.code} ≠ ${input.name}`, codeDistrict: byCode };
  }
  const hasPoint = pointClass !== NO_POINT;
  const byPoint = pointClass > 0 ? region.districts[pointClass - 1] : null;
  const chosen = byCode ?? byName;
  if (chosen) return { ok: true, district: chosen, rule: byCode ? 'code' : 'name', pointOutside: hasPoint && byPoint !== chosen };
  if (byPoint) return { ok: true, district: byPoint, rule: 'point', pointOutside: false };
  if (input.name || input.code) {
    return { ok: false, reason: 'district_unknown', field: input.name ? 'district_name' : 'district_code', value: input.name ?? input.code };
  }
  if (!hasPoint) return { ok: false, reason: 'no_location', field: 'district_name', value: null };
  // The value is the row's point, written per row (RejectValueKind.Point).
  return { ok: false, reason: 'outside_region', field: 'latitude/longitude', value: null };
}

/** Places one combination and applies the source's policy, as the row-by-row pipeline does. */
export function placeCombination(input: DistrictInput, pointClass: number, region: Region, policy: DistrictPolicy): BulkPlacement {
  const assignment = assignFromParts(input, pointClass, region);
  const placed = applyDistrictPolicy(region, assignment, { latitude: null, longitude: null }, input.inferred, policy);
  if (!('reason' in placed)) return placed;
  if (placed.reason === 'outside_region') return { ...placed, value: null, valueKind: RejectValueKind.Point };
  if (placed.reason === 'point_outside_district' && assignment.ok) return { ...placed, value: ` ∉ ${assignment.district.name}`, valueKind: RejectValueKind.PointThenValue };
  return { ...placed, valueKind: RejectValueKind.Fixed };
}
