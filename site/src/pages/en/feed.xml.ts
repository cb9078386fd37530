// Atom feed of the kept snapshots in English; see site/src/lib/feed.ts.
import type { APIRoute } from 'astro';
import { feedResponse } from '../../lib/feed.ts';

export const GET: APIRoute = () => feedResponse('en');
