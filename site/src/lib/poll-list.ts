// Short texts that describe a poll in the list and on its page: topic, status with its as-of
// time, and the number of participants.

import { translate, type Locale } from './i18n.ts';
import type { PollFormatters } from './poll-format.ts';
import { topicTags, type PollSummary } from './polls.ts';

/** Returns the topic in the page's language; untranslated tags stay Russian and set `lang`. */
export function formatPollTopic(poll: PollSummary, locale: Locale): { text: string; lang: string | undefined } | null {
  if (!poll.topic) return null;
  if (locale === 'ru') return { text: poll.topic, lang: undefined };
  const tags = topicTags(poll.topic);
  if (tags.some((tag) => tag.en === null)) return { text: poll.topic, lang: 'ru' };
  return { text: tags.map((tag) => tag.en).join(' / '), lang: undefined };
}

export interface PollStatusText {
  /** "Итог", "Промежуточные" or "Неполные". */
  label: string;
  /** "на 25 февраля 2021 г." for figures that are not final, else null. */
  asOf: string | null;
  /** The label and the as-of time together. */
  text: string;
}

export function formatPollStatus(poll: PollSummary, locale: Locale, formatters: PollFormatters): PollStatusText {
  const label = translate(locale, `polls.status.${poll.status}`);
  const asOf = poll.status !== 'final' && poll.snapshotAt ? translate(locale, 'polls.statusAsOf', { date: formatters.asOf(poll.snapshotAt) }) : null;
  return { label, asOf, text: asOf ? `${label} ${asOf}` : label };
}

/** Returns the exact number of participants, or the source's wording in quotes, or "no data". */
export function pollParticipantsText(poll: PollSummary, locale: Locale, formatters: PollFormatters): string {
  if (poll.participants !== null) return formatters.integer(poll.participants);
  if (poll.participantsAsGiven !== null) return translate(locale, 'polls.participantsAsGiven', { text: poll.participantsAsGiven });
  return translate(locale, 'noData');
}
