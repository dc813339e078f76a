import { useQuery } from '@tanstack/react-query';
import { createContext, type ReactNode, useCallback, useContext, useEffect, useId, useMemo, useRef, useState } from 'react';
import { useNavigate } from 'react-router';
import { api, unwrap } from '../../api/client';
import { errorMessage } from '../../api/problem';
import { NewContactDialog } from '../contacts/NewContactDialog';
import { usePipelines } from '../deals/deals.api';
import { NewDealDialog } from '../deals/NewDealDialog';
import { useFirstScreenShown } from '../shell/firstScreen';
import { type PaletteItem, paletteItems, type SearchHit } from './palette';
import './palette.css';

/** Runs a global search; the palette takes it as a prop so tests can answer without a server. */
export type SearchFn = (q: string) => Promise<SearchHit[]>;

const searchApi: SearchFn = async (q) => (await unwrap(api.GET('/api/v1/search', { params: { query: { q, limit: 20 } } }))).data;

const PaletteContext = createContext<() => void>(() => {});

/** Opens the palette, as the top bar's search button does. */
export function useOpenPalette(): () => void {
  return useContext(PaletteContext);
}

/** A value that follows `value` once it has stood still for `ms`. */
function useDebounced<T>(value: T, ms: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return settled;
}

/**
 * Gives the signed-in app its Cmd/Ctrl+K palette: the shortcut (or `useOpenPalette`) opens it
 * anywhere, and its "New contact" / "New deal" actions open the creation dialogs.
 */
export function PaletteProvider({ children, search = searchApi }: { children: ReactNode; search?: SearchFn }) {
  const [open, setOpen] = useState(false);
  const [creating, setCreating] = useState<'contact' | 'deal' | null>(null);
  // Only "New deal" needs them: asked for once the first screen is shown, not before its rows.
  const pipelines = usePipelines(useFirstScreenShown());
  const openPalette = useCallback(() => setOpen(true), []);

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if ((event.metaKey || event.ctrlKey) && !event.altKey && event.key.toLowerCase() === 'k') {
        event.preventDefault();
        setOpen((wasOpen) => !wasOpen);
      }
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);

  return (
    <PaletteContext.Provider value={openPalette}>
      {children}
      <PaletteDialog open={open} onClose={() => setOpen(false)} onCreate={setCreating} search={search} />
      <NewContactDialog open={creating === 'contact'} onClose={() => setCreating(null)} />
      {creating === 'deal' ? <NewDealDialog open pipeline={pipelines.data?.[0]} onClose={() => setCreating(null)} openAfter /> : null}
    </PaletteContext.Provider>
  );
}

/**
 * The palette itself: a combobox over a listbox of quick actions and search hits, driven by
 * the arrow keys, Enter (open the active row) and Escape (close).
 */
export function PaletteDialog({
  open,
  onClose,
  onCreate,
  search,
}: {
  open: boolean;
  onClose: () => void;
  onCreate: (what: 'contact' | 'deal') => void;
  search: SearchFn;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) dialog.showModal();
    if (!open && dialog.open) dialog.close();
  }, [open]);

  return (
    // biome-ignore lint/a11y/useKeyWithClickEvents: Escape closes it through onCancel; the click is the backdrop's
    <dialog
      ref={ref}
      className="palette"
      aria-label="Search and quick actions"
      onCancel={(event) => {
        event.preventDefault();
        onClose();
      }}
      onClick={(event) => {
        // A click on the backdrop (the dialog box itself, outside its panel) closes it.
        if (event.target === event.currentTarget) onClose();
      }}
    >
      {open ? <PaletteBody onClose={onClose} onCreate={onCreate} search={search} /> : null}
    </dialog>
  );
}

function PaletteBody({
  onClose,
  onCreate,
  search,
}: {
  onClose: () => void;
  onCreate: (what: 'contact' | 'deal') => void;
  search: SearchFn;
}) {
  const navigate = useNavigate();
  const listId = useId();
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(0);
  const q = useDebounced(query.trim(), 150);
  const hits = useQuery({
    queryKey: ['search', 'palette', q],
    queryFn: () => search(q),
    enabled: q.length > 0,
    placeholderData: (previous) => previous,
    staleTime: 10_000,
  });
  const items = useMemo(() => paletteItems(query, q && query.trim() ? (hits.data ?? []) : []), [query, q, hits.data]);
  const activeIndex = Math.min(active, items.length - 1);
  const activeItem = activeIndex >= 0 ? items[activeIndex] : undefined;
  const optionId = (item: PaletteItem) => `${listId}-${item.id}`;

  const choose = (item: PaletteItem) => {
    onClose();
    if (item.effect.kind === 'go') navigate(item.effect.to);
    else onCreate(item.effect.dialog);
  };

  const onKeyDown = (event: React.KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      if (items.length === 0) return;
      const step = event.key === 'ArrowDown' ? 1 : -1;
      setActive((activeIndex + step + items.length) % items.length);
    } else if (event.key === 'Home' && items.length > 0) {
      event.preventDefault();
      setActive(0);
    } else if (event.key === 'End' && items.length > 0) {
      event.preventDefault();
      setActive(items.length - 1);
    } else if (event.key === 'Enter') {
      event.preventDefault();
      if (activeItem) choose(activeItem);
    }
  };

  // The active row stays in view as the arrows move through a long list.
  useEffect(() => {
    if (!activeItem) return;
    document.getElementById(optionId(activeItem))?.scrollIntoView?.({ block: 'nearest' });
  });

  const searching = query.trim().length > 0 && (q !== query.trim() || hits.isFetching);
  let status = '';
  if (hits.isError && q) status = `Search failed: ${errorMessage(hits.error)}`;
  else if (searching) status = 'Searching…';
  else if (query.trim() && items.length === 0) status = `Nothing matches “${query.trim()}”`;

  let lastGroup = '';
  return (
    <div className="palette-panel">
      <div className="palette-input-row">
        <input
          className="palette-input"
          role="combobox"
          aria-label="Search records or type a command"
          aria-expanded={items.length > 0}
          aria-controls={listId}
          aria-autocomplete="list"
          aria-activedescendant={activeItem ? optionId(activeItem) : undefined}
          placeholder="Search contacts, companies, deals, notes… or type a command"
          autoComplete="off"
          spellCheck={false}
          // biome-ignore lint/a11y/noAutofocus: the palette exists to be typed into the moment it opens
          autoFocus
          value={query}
          onChange={(event) => {
            setQuery(event.target.value);
            setActive(0);
          }}
          onKeyDown={onKeyDown}
        />
        <kbd className="palette-kbd">Esc</kbd>
      </div>
      <div id={listId} role="listbox" aria-label="Results" className="palette-list">
        {items.map((item, index) => {
          const heading = item.group !== lastGroup ? item.group : null;
          lastGroup = item.group;
          return (
            <div key={item.id} role="presentation">
              {heading ? (
                <div className="palette-group" role="presentation">
                  {heading}
                </div>
              ) : null}
              {/* biome-ignore lint/a11y/useKeyWithClickEvents: the combobox input handles the keys for every option */}
              <div
                id={optionId(item)}
                role="option"
                tabIndex={-1}
                aria-selected={index === activeIndex}
                className="palette-option"
                onMouseMove={() => index !== activeIndex && setActive(index)}
                onClick={() => choose(item)}
              >
                <span className="palette-option-label">{item.label}</span>
                {item.detail ? <span className="palette-option-detail">{item.detail}</span> : null}
              </div>
            </div>
          );
        })}
      </div>
      <div className="palette-status" role="status" aria-live="polite">
        {status}
      </div>
    </div>
  );
}
