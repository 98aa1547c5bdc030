import { useEffect, useState } from 'react';

/** A small history router: the app has a handful of flat paths, so no router library is needed. */
export function navigate(path: string): void {
  if (location.pathname + location.search === path) return;
  history.pushState(null, '', path);
  window.dispatchEvent(new PopStateEvent('popstate'));
}

export function usePath(): string {
  const [path, setPath] = useState(location.pathname);
  useEffect(() => {
    const on = () => setPath(location.pathname);
    window.addEventListener('popstate', on);
    // A child's effect runs before this one: a redirect it made before the listener existed is caught here.
    on();
    return () => window.removeEventListener('popstate', on);
  }, []);
  return path;
}
