// Licence texts of the sources and datasets as pages show them. The snapshot records each licence
// in English, or as an SPDX identifier (CC0-1.0, ODbL-1.0) that every language shows as is.
// Russian pages show the Russian wording of the texts below; a text not listed is shown as it is.

import type { Locale } from './i18n.ts';

const RUSSIAN_LICENCES: Readonly<Record<string, string>> = {
  'public portal pages, rights reserved; only cleaned fields and aggregates are published':
    'открытые страницы портала, права защищены; публикуются только очищенные поля и итоги',
  'official statistics': 'официальная статистика',
  'facts reported by the press and the city; no personal data': 'факты из сообщений прессы и города; персональных данных нет',
  'Pabulib open research data; the dataset states no licence': 'открытые исследовательские данные Pabulib; лицензия в наборе не указана',
  'no licence stated; counts as shown on the public vote page, published as totals with the source named':
    'лицензия не указана; числа — как на открытой странице голосования, публикуются итоги со ссылкой на источник',
};

/** Returns a licence in the page's language and the `lang` attribute the text needs, if any. */
export function licenceText(licence: string, locale: Locale): { text: string; lang: string | undefined } {
  if (locale === 'ru' && RUSSIAN_LICENCES[licence]) return { text: RUSSIAN_LICENCES[licence], lang: undefined };
  const identifier = /^[A-Za-z0-9.+-]+$/.test(licence);
  return { text: licence, lang: locale === 'ru' && !identifier ? 'en' : undefined };
}
