import { useEffect, useRef } from 'react';
import { Button } from '../../ui/Button';
import { requirableDealFields } from './options';
import type { CustomField, Stage } from './settings.api';

/** The label of a required field: standard deal fields by name, custom ones by their definition. */
export function requiredFieldLabel(field: string, customFields: readonly CustomField[]): string {
  const standard = requirableDealFields.find((f) => f.value === field);
  if (standard) return standard.label;
  const key = field.replace(/^custom\./, '');
  return customFields.find((f) => f.key === key)?.label ?? key;
}

type Move = { stageId: string; direction: 'up' | 'down' };

/**
 * A pipeline's stages in order, each with its settings, and buttons to move it up or down, edit
 * or remove it. After a move the focus stays on the moved stage's button, so the keyboard can
 * carry a stage several places in a row.
 */
export function StageList({
  stages,
  customFields,
  editable,
  onMove,
  onEdit,
  onRemove,
}: {
  stages: Stage[];
  customFields: readonly CustomField[];
  editable: boolean;
  onMove: (stage: Stage, to: number) => void;
  onEdit: (stage: Stage) => void;
  onRemove: (stage: Stage) => void;
}) {
  const list = useRef<HTMLOListElement>(null);
  const lastMove = useRef<Move | null>(null);
  // biome-ignore lint/correctness/useExhaustiveDependencies: refocus whenever the order changes
  useEffect(() => {
    const move = lastMove.current;
    if (!move || !list.current) return;
    const find = (direction: Move['direction']) =>
      list.current?.querySelector<HTMLButtonElement>(`[data-move="${direction}"][data-stage="${move.stageId}"]`);
    const button = find(move.direction);
    // At the top or bottom that button is disabled; the other one keeps the focus in the row.
    (button && !button.disabled ? button : find(move.direction === 'up' ? 'down' : 'up'))?.focus();
  }, [stages]);

  const move = (stage: Stage, index: number, direction: Move['direction']) => {
    lastMove.current = { stageId: stage.id, direction };
    onMove(stage, direction === 'up' ? index - 1 : index + 1);
  };

  return (
    <ol className="settings-list stage-list" ref={list} aria-label="Stages">
      {stages.map((stage, index) => (
        <li key={stage.id} className="settings-row stage-row">
          <span className="stage-number" aria-hidden="true">
            {index + 1}
          </span>
          <div className="settings-row-main">
            <span className="settings-row-title">{stage.name}</span>
            <span className="settings-row-meta">
              {stage.probability}% win probability · {stage.rottenDays ? `rotten after ${stage.rottenDays} days` : 'never rotten'}
            </span>
            {stage.requiredFields.length > 0 ? (
              <span className="stage-required">
                Requires{' '}
                {stage.requiredFields.map((f) => (
                  <span key={f} className="settings-tag">
                    {requiredFieldLabel(f, customFields)}
                  </span>
                ))}
              </span>
            ) : null}
          </div>
          {editable ? (
            <div className="settings-row-actions">
              <Button
                size="icon"
                variant="ghost"
                aria-label={`Move ${stage.name} up`}
                data-move="up"
                data-stage={stage.id}
                disabled={index === 0}
                onClick={() => move(stage, index, 'up')}
              >
                ↑
              </Button>
              <Button
                size="icon"
                variant="ghost"
                aria-label={`Move ${stage.name} down`}
                data-move="down"
                data-stage={stage.id}
                disabled={index === stages.length - 1}
                onClick={() => move(stage, index, 'down')}
              >
                ↓
              </Button>
              <Button size="sm" variant="ghost" aria-label={`Edit ${stage.name}`} onClick={() => onEdit(stage)}>
                Edit
              </Button>
              <Button
                size="sm"
                variant="ghost"
                className="btn-danger"
                aria-label={`Remove ${stage.name}`}
                disabled={stages.length === 1}
                onClick={() => onRemove(stage)}
              >
                Remove
              </Button>
            </div>
          ) : null}
        </li>
      ))}
    </ol>
  );
}
