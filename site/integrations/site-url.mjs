// The public address of the site, which the Atom feeds need in absolute links. A build warns once,
// before its pages, when neither OPEN_DISTRICT_SITE_URL nor Astro's `site` gives it.

/** Address the feeds link to when no public address is set: the local server of `npm start`. */
export const DEFAULT_SITE_URL = 'http://127.0.0.1:4321';

/** @returns {import('astro').AstroIntegration} */
export default function siteUrl() {
  /** @type {URL | undefined} */
  let site;
  return {
    name: 'open-district-site-url',
    hooks: {
      'astro:config:done': ({ config }) => {
        site = config.site ? new URL(config.site) : undefined;
      },
      'astro:build:start': ({ logger }) => {
        if (process.env.OPEN_DISTRICT_SITE_URL?.trim() || site) return;
        logger.warn(
          `Переменная OPEN_DISTRICT_SITE_URL не задана, поэтому ленты Atom ссылаются на ${DEFAULT_SITE_URL}; укажите в ней публичный адрес сайта (docs/operations.ru.md). · ` +
            `OPEN_DISTRICT_SITE_URL is not set, so the Atom feeds link to ${DEFAULT_SITE_URL}; set it to the public address of the site (docs/operations.md).`,
        );
      },
    },
  };
}
