import { Button } from '../../ui/Button';
import { usePopover } from '../../ui/usePopover';

/** Moves the key at `index` one place up (-1) or down (+1). */
export function moveColumn(keys: readonly string[], index: number, step: -1 | 1): string[] {
  const target = index + step;
  if (target < 0 || target >= keys.length) return [...keys];
  const next = [...keys];
  [next[index], next[target]] = [next[target] as string, next[index] as string];
  return next;
}

/**
 * Chooses which columns a list shows and in what order: the shown ones first, each movable up
 * or down, then the hidden ones (custom fields among them) to tick on.
 */
export function ColumnPicker({
  columns,
  visible,
  onChange,
}: {
  columns: readonly { key: string; header: string }[];
  visible: readonly string[];
  onChange: (keys: string[]) => void;
}) {
  const { open, setOpen, anchor } = usePopover();
  const byKey = new Map(columns.map((c) => [c.key, c]));
  const shown = visible.filter((k) => byKey.has(k));
  const hidden = columns.filter((c) => !shown.includes(c.key));

  return (
    <div className="popover-anchor" ref={anchor}>
      <Button aria-haspopup="dialog" aria-expanded={open} onClick={() => setOpen(!open)}>
        Columns
      </Button>
      {open ? (
        <div className="popover column-picker" role="dialog" aria-label="Columns">
          <div className="menu-caption">Shown, in order</div>
          <ul className="column-list">
            {shown.map((key, i) => (
              <li key={key} className="column-item">
                <label className="column-label">
                  <input type="checkbox" checked disabled={shown.length === 1} onChange={() => onChange(shown.filter((k) => k !== key))} />
                  {byKey.get(key)?.header}
                </label>
                <Button
                  size="icon"
                  variant="ghost"
                  aria-label={`Move ${byKey.get(key)?.header} up`}
                  disabled={i === 0}
                  onClick={() => onChange(moveColumn(shown, i, -1))}
                >
                  ↑
                </Button>
                <Button
                  size="icon"
                  variant="ghost"
                  aria-label={`Move ${byKey.get(key)?.header} down`}
                  disabled={i === shown.length - 1}
                  onClick={() => onChange(moveColumn(shown, i, 1))}
                >
                  ↓
                </Button>
              </li>
            ))}
          </ul>
          {hidden.length > 0 ? (
            <>
              <div className="menu-caption">Hidden</div>
              <ul className="column-list">
                {hidden.map((c) => (
                  <li key={c.key} className="column-item">
                    <label className="column-label">
                      <input type="checkbox" checked={false} onChange={() => onChange([...shown, c.key])} />
                      {c.header}
                    </label>
                  </li>
                ))}
              </ul>
            </>
          ) : null}
        </div>
      ) : null}
    </div>
  );
}
