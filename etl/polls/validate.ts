// Consistency checks on poll figures that were read correctly but cannot all be true: shares of a
// single-choice poll that add up to more than 100%, votes that disagree with the printed shares,
// and participant counts below the votes cast. Each finding is a problem with the poll id and the
// figures; the rows themselves stay as the source gave them.
//
// Printed shares are rounded, so every comparison allows half a unit of the last printed digit
// per share ("55" may be 54.5–55.5; "62.87" may be 62.865–62.875).

import { en, ru } from '../lib/log.ts';
import { problem, type Poll, type PollOptionResult, type PollProblem } from './schema.ts';

/** Extra margin for floating-point error on top of the rounding margin, in percentage points. */
const FLOAT_MARGIN = 1e-9;

/** Checks every poll against its option rows and returns the problems found, in poll order. */
export function validatePolls(polls: readonly Poll[], results: readonly PollOptionResult[]): PollProblem[] {
  const byPoll = new Map<string, PollOptionResult[]>();
  for (const result of results) {
    if (result.kind !== 'option') continue;
    const rows = byPoll.get(result.poll_id) ?? [];
    rows.push(result);
    byPoll.set(result.poll_id, rows);
  }

  const problems: PollProblem[] = [];
  for (const poll of polls) {
    for (const rows of groupByArea(byPoll.get(poll.poll_id) ?? [])) {
      problems.push(...checkArea(poll, rows));
    }
  }
  return problems;
}

function groupByArea(rows: readonly PollOptionResult[]): PollOptionResult[][] {
  const areas = new Map<string, PollOptionResult[]>();
  for (const row of rows) {
    const key = `${row.area_kind}\u0000${row.area}`;
    const group = areas.get(key) ?? [];
    group.push(row);
    areas.set(key, group);
  }
  return [...areas.values()];
}

/** Returns the rounding margin of a printed share: half a unit of its last digit. */
export function roundingMargin(share: number): number {
  const text = String(share);
  const decimals = text.includes('.') ? text.length - text.indexOf('.') - 1 : 0;
  return 0.5 * 10 ** -decimals;
}

function checkArea(poll: Poll, rows: readonly PollOptionResult[]): PollProblem[] {
  const problems: PollProblem[] = [];
  const area = rows[0].area;
  const where = `${poll.poll_id} (${area})`;
  const single = poll.choice_type === 'single';

  const shared = rows.filter((row) => row.share_percent !== null);
  const shareSum = shared.reduce((sum, row) => sum + row.share_percent!, 0);
  const shareMargin = shared.reduce((sum, row) => sum + roundingMargin(row.share_percent!), 0);
  if (single && shared.length > 0 && shareSum > 100 + shareMargin + FLOAT_MARGIN) {
    problems.push(
      problem('shares_over_100', {
        poll_id: poll.poll_id,
        area,
        numbers: { share_sum: round(shareSum), allowed: round(100 + shareMargin) },
        message: {
          ru: `${where}: доли вариантов в сумме ${ru(round(shareSum))}%, а при одном варианте ответа и округлении допустимо не больше ${ru(round(100 + shareMargin))}%; проверьте цифры или отметьте опрос как допускающий несколько ответов`,
          en: `${where}: the option shares add up to ${en(round(shareSum))}%, but a single-choice poll allows at most ${en(round(100 + shareMargin))}% with rounding; check the figures or mark the poll as multiple choice`,
        },
      }),
    );
  }

  const voted = rows.filter((row) => row.votes !== null);
  const voteSum = voted.reduce((sum, row) => sum + row.votes!, 0);
  const participants = rows.find((row) => row.participants !== null)?.participants ?? null;

  // Without a participant count, the sum of votes is the denominator only when it is the whole
  // vote: a single-choice poll whose every option has votes and whose shares add up to 100%.
  const sharesComplete = shared.length === rows.length && Math.abs(shareSum - 100) <= shareMargin + FLOAT_MARGIN;
  const sumIsWhole = single && voted.length === rows.length && sharesComplete;
  const denominator = participants ?? (sumIsWhole ? voteSum : null);

  if (denominator !== null && denominator > 0) {
    for (const row of rows) {
      if (row.votes === null || row.share_percent === null) continue;
      const computed = (100 * row.votes) / denominator;
      if (Math.abs(computed - row.share_percent) <= roundingMargin(row.share_percent) + FLOAT_MARGIN) continue;
      const basis = participants !== null ? { ru: 'от числа участников', en: 'of the participants' } : { ru: 'от суммы голосов', en: 'of the vote total' };
      problems.push(
        problem('share_votes_mismatch', {
          poll_id: poll.poll_id,
          area,
          option_id: row.option_id,
          numbers: { votes: row.votes, denominator, share_given: row.share_percent, share_computed: round(computed) },
          message: {
            ru: `${where}, вариант «${row.option_text}»: ${ru(row.votes)} голосов — это ${ru(round(computed))}% ${basis.ru} (${ru(denominator)}), а напечатано ${ru(row.share_percent)}%; проверьте цифры в источнике`,
            en: `${where}, option "${row.option_text}": ${en(row.votes)} votes are ${en(round(computed))}% ${basis.en} (${en(denominator)}), but ${en(row.share_percent)}% is printed; check the figures in the source`,
          },
        }),
      );
    }
  }

  if (participants === null) return problems;
  if (single && voteSum > participants) {
    problems.push(
      problem('participants_below_votes', {
        poll_id: poll.poll_id,
        area,
        numbers: { participants, vote_sum: voteSum },
        message: {
          ru: `${where}: участников ${ru(participants)}, но голосов за варианты ${ru(voteSum)}, а выбрать можно было один вариант; проверьте число участников`,
          en: `${where}: ${en(participants)} participants, but the options have ${en(voteSum)} votes in a single-choice poll; check the participant count`,
        },
      }),
    );
  }
  for (const row of voted) {
    if (row.votes! <= participants) continue;
    problems.push(
      problem('votes_over_participants', {
        poll_id: poll.poll_id,
        area,
        option_id: row.option_id,
        numbers: { participants, votes: row.votes! },
        message: {
          ru: `${where}, вариант «${row.option_text}»: ${ru(row.votes!)} голосов при ${ru(participants)} участниках`,
          en: `${where}, option "${row.option_text}": ${en(row.votes!)} votes with ${en(participants)} participants`,
        },
      }),
    );
  }
  return problems;
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
