/** Pages are addressed by the URL's fragment (#/settlements/Hospital1MSP/S-1): never a token, never a patient. */
import { useEffect, useState } from 'preact/hooks';

export interface Route {
  page: string;
  args: string[];
}

export function parseRoute(hash: string): Route {
  const [page = '', ...args] = hash.replace(/^#\/?/, '').split('/').map(decodeURIComponent);
  return { page, args };
}

export const href = (page: string, ...args: string[]): string =>
  `#/${[page, ...args].map(encodeURIComponent).join('/')}`;

export function navigate(page: string, ...args: string[]): void {
  location.hash = href(page, ...args);
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const changed = () => setRoute(parseRoute(location.hash));
    addEventListener('hashchange', changed);
    // The address may have changed between the first render and this effect (which runs after painting).
    changed();
    return () => removeEventListener('hashchange', changed);
  }, []);
  return route;
}
