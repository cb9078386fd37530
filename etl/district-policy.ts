// District placement policy: what happens to a record whose district assignment failed or is in
// doubt. Shared by the row-by-row pipeline and the bulk table reader (etl/bulk/).

import type { DistrictPolicy } from './config.ts';
import type { Assignment, Region } from './districts.ts';
import { rejectMessage } from './reasons.ts';
import type { DistrictFlag, DistrictRule, Reject } from './schema.ts';

export interface Placement {
  district: string | null;
  rule: DistrictRule | null;
  flag: DistrictFlag | null;
}

export type PlacementReject = Pick<Reject, 'field' | 'value' | 'reason' | 'message'>;

/**
 * Turns a district assignment into a placement or a reject under the source's policy. The bulk
 * table reader (etl/bulk/) calls it too, with assignments made from looked-up parts.
 */
export function applyDistrictPolicy(
  region: Region,
  assignment: Assignment,
  point: { latitude: number | null; longitude: number | null },
  inferred: boolean,
  policy: DistrictPolicy,
): Placement | PlacementReject {
  const rejectWith = (reason: string, field: string, value: string | null) => ({ field, value, reason, message: districtRejectMessage(reason, region) });

  if (!assignment.ok) {
    if (assignment.reason === 'district_conflict' && policy.conflict === 'keep' && assignment.codeDistrict) {
      return { district: assignment.codeDistrict.name, rule: 'code', flag: 'code_name_conflict' };
    }
    if (assignment.reason !== 'district_conflict' && policy.unplaced === 'keep') return { district: null, rule: null, flag: 'unplaced' };
    return rejectWith(assignment.reason, assignment.field, assignment.value);
  }

  if (assignment.pointOutside) {
    if (policy.pointMismatch === 'reject') {
      const { latitude, longitude } = point;
      return rejectWith('point_outside_district', 'latitude/longitude', `${latitude}, ${longitude} ∉ ${assignment.district.name}`);
    }
    return { district: assignment.district.name, rule: assignment.rule, flag: 'point_outside_district' };
  }
  const flag = inferred ? 'inferred_from_agency' : null;
  return { district: assignment.district.name, rule: assignment.rule, flag };
}

export function districtRejectMessage(reason: string, region: Region): string {
  const id = region.config.id;
  if (reason === 'point_outside_district') {
    return rejectMessage({
      ru: 'точка лежит вне района, который дают код или название; проверьте координаты или задайте districtPolicy.pointMismatch = "keep"',
      en: 'the point lies outside the district its code or name gives; check the coordinates, or set districtPolicy.pointMismatch to "keep"',
    });
  }
  if (reason === 'district_conflict') {
    return rejectMessage({
      ru: `код района и название района указывают на разные районы; исправьте запись или таблицу кодов региона ${id}`,
      en: `the district code and the district name name different districts; fix the record or the code table of region ${id}`,
    });
  }
  if (reason === 'district_unknown') {
    return rejectMessage({
      ru: `в регионе ${id} нет района с таким названием или кодом; если это другое написание, добавьте его в regions[].aliases, а если запись из другого региона, проверьте её с тем регионом (--region или --config)`,
      en: `no district of region ${id} has this name or code; add an alias to regions[].aliases if it is another spelling, or, if the record is another region's, check it against that region (--region or --config)`,
    });
  }
  if (reason === 'no_location') {
    return rejectMessage({
      ru: 'у записи нет ни района, ни точки; заполните район или координаты в выгрузке (у таблицы — и в сопоставлении, если столбцы не сопоставлены) либо задайте источнику sources[].districtPolicy.unplaced = "keep" в конфигурации, чтобы принимать такие записи без района (но не для записей другого региона: их проверяйте с их регионом)',
      en: 'the record names no district and has no point; fill in the district or the coordinates in the export (for a table, also map the columns if they are not mapped), or set sources[].districtPolicy.unplaced to "keep" in the configuration to accept such records without a district (but not for records of another region: check those against their region)',
    });
  }
  return rejectMessage({
    ru: `у записи нет района, а её точка не лежит ни в одном районе региона ${id}`,
    en: `the record has no district and its point lies in no district of region ${id}`,
  });
}
