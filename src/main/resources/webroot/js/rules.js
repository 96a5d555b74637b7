// The rule builder: the whole rule language (conditions, nested all/any/not groups, bought
// within N days, performed K times, metric fields) as nested forms whose state is the rules'
// JSON itself, exactly as the API takes it.
import { html } from './ui.js';

export const FIELDS = [
  ['Profile', [
    ['email', 'string'], ['first_name', 'string'], ['last_name', 'string'], ['phone', 'string'],
    ['external_id', 'string'], ['timezone', 'string'], ['tags', 'list'], ['address.city', 'string'],
    ['address.state', 'string'], ['address.postal_code', 'string'], ['address.country', 'string'],
    ['email_consent', 'boolean'], ['sms_consent', 'boolean'], ['push_consent', 'boolean'], ['created_at', 'time'],
  ]],
  ['Orders and activity', [
    ['total_orders', 'number'], ['total_spent', 'number'], ['average_order_value', 'number'],
    ['first_order_at', 'time'], ['last_order_at', 'time'], ['last_seen_at', 'time'], ['cart.value', 'number'],
    ['cart.item_count', 'number'], ['cart.updated_at', 'time'], ['products_bought', 'list'], ['categories_bought', 'list'],
  ]],
  ['Metrics', [
    ['churn_risk', 'number'], ['predicted_clv', 'number'], ['rfm.recency_score', 'number'],
    ['rfm.frequency_score', 'number'], ['rfm.monetary_score', 'number'], ['rfm.segment', 'string'],
  ]],
];

const TYPE_OF = Object.fromEntries(FIELDS.flatMap(([, fs]) => fs));
const typeOf = (field) => TYPE_OF[field] || 'string'; // metadata.* is text

export const OPERATORS = {
  string: ['eq', 'neq', 'in', 'nin', 'contains', 'starts_with', 'exists'],
  list: ['contains', 'in', 'nin', 'exists'],
  boolean: ['eq', 'exists'],
  number: ['gte', 'gt', 'lte', 'lt', 'eq', 'neq', 'between', 'exists'],
  time: ['before', 'after', 'within_last', 'not_within_last', 'between', 'exists'],
};

const OPERATOR_LABEL = {
  eq: 'is', neq: 'is not', gt: '>', gte: '≥', lt: '<', lte: '≤', between: 'between', in: 'is one of',
  nin: 'is none of', contains: 'contains', starts_with: 'starts with', exists: 'has a value', before: 'before',
  after: 'after', within_last: 'within the last', not_within_last: 'not within the last',
};

const EVENT_TYPES = ['order.completed', 'order.refunded', 'order.cancelled', 'cart.updated', 'checkout.started', 'page.viewed'];

export function kindOf(node) {
  for (const k of ['all', 'any', 'not', 'bought', 'performed']) if (node && k in node) return k;
  return 'condition';
}

export const newCondition = () => ({ field: 'total_spent', operator: 'gte', value: 100 });

const NEW = {
  condition: newCondition,
  all: () => ({ all: [newCondition()] }),
  any: () => ({ any: [newCondition()] }),
  not: () => ({ not: newCondition() }),
  bought: () => ({ bought: { product_ids: [], within_days: 30, min_count: 1 } }),
  performed: () => ({ performed: { event: 'page.viewed', within_days: 7, at_least: 1 } }),
};

/** Whether the rules are complete enough to ask the server for a preview. */
export function complete(node) {
  switch (kindOf(node)) {
    case 'all': return node.all.length > 0 && node.all.every(complete);
    case 'any': return node.any.length > 0 && node.any.every(complete);
    case 'not': return complete(node.not);
    case 'bought': return (node.bought.product_ids || node.bought.category_ids || []).length > 0;
    case 'performed': return !!node.performed.event && node.performed.within_days > 0;
    default:
      if (!node.field || !node.operator) return false;
      if (node.operator === 'exists') return true;
      if (Array.isArray(node.value)) return node.value.length > 0 && node.value.every((v) => v !== '' && v !== null);
      return node.value !== '' && node.value !== null && node.value !== undefined && !Number.isNaN(node.value);
  }
}

function splitList(text) {
  return text.split(',').map((s) => s.trim()).filter(Boolean);
}

function asValue(type, text) {
  if (type === 'number') return text === '' ? '' : Number(text);
  return text;
}

function defaultValue(type, operator) {
  if (operator === 'exists') return true;
  if (operator === 'between') return type === 'time' ? ['30_days_ago', '0_days_ago'] : [0, 100];
  if (operator === 'in' || operator === 'nin') return [];
  if (operator === 'within_last' || operator === 'not_within_last') return '30_days';
  if (type === 'time') return '30_days_ago';
  if (type === 'boolean') return true;
  if (type === 'number') return 0;
  return '';
}

function Condition({ node, onChange }) {
  const type = typeOf(node.field);
  const ops = OPERATORS[type];
  const custom = !(node.field in TYPE_OF);
  const setField = (field) => {
    const t = typeOf(field);
    const op = OPERATORS[t].includes(node.operator) ? node.operator : OPERATORS[t][0];
    onChange({ field, operator: op, value: t === type && op === node.operator ? node.value : defaultValue(t, op) });
  };
  const setOperator = (operator) => onChange({ ...node, operator, value: defaultValue(type, operator) });
  let value;
  if (node.operator === 'exists') {
    value = html`<select class="rule-value" aria-label="has a value" value=${String(node.value !== false)}
        onChange=${(e) => onChange({ ...node, value: e.target.value === 'true' })}>
      <option value="true">yes</option><option value="false">no</option></select>`;
  } else if (type === 'boolean') {
    value = html`<select class="rule-value" aria-label="value" value=${String(node.value)}
        onChange=${(e) => onChange({ ...node, value: e.target.value === 'true' })}>
      <option value="true">true</option><option value="false">false</option></select>`;
  } else if (node.operator === 'between') {
    const [lo, hi] = Array.isArray(node.value) ? node.value : ['', ''];
    value = html`<span class="rule-between">
      <input class="rule-value" aria-label="from" value=${lo} inputmode=${type === 'number' ? 'decimal' : 'text'}
        onInput=${(e) => onChange({ ...node, value: [asValue(type, e.target.value), hi] })}/>
      <span>and</span>
      <input class="rule-value" aria-label="to" value=${hi} inputmode=${type === 'number' ? 'decimal' : 'text'}
        onInput=${(e) => onChange({ ...node, value: [lo, asValue(type, e.target.value)] })}/></span>`;
  } else if (node.operator === 'in' || node.operator === 'nin') {
    value = html`<input class="rule-value" aria-label="values, comma-separated" placeholder="a, b, c"
      value=${(node.value || []).join(', ')}
      onInput=${(e) => onChange({ ...node, value: splitList(e.target.value).map((v) => asValue(type, v)) })}/>`;
  } else {
    const list = type === 'time' ? (node.operator.includes('within') ? 'spans' : 'times') : undefined;
    value = html`<input class="rule-value" aria-label="value" value=${node.value ?? ''} list=${list}
      inputmode=${type === 'number' ? 'decimal' : 'text'}
      placeholder=${type === 'time' ? (list === 'spans' ? '30_days' : '90_days_ago or 2026-01-31') : ''}
      onInput=${(e) => onChange({ ...node, value: asValue(type, e.target.value) })}/>`;
  }
  return html`<div class="rule-row rule-condition">
    <select class="rule-field" aria-label="field" value=${custom ? '__custom' : node.field}
        onChange=${(e) => setField(e.target.value === '__custom' ? 'metadata.' : e.target.value)}>
      ${FIELDS.map(([group, fs]) => html`<optgroup label=${group}>
        ${fs.map(([f]) => html`<option value=${f}>${f}</option>`)}</optgroup>`)}
      <option value="__custom">metadata.…</option>
    </select>
    ${custom ? html`<input class="rule-custom" aria-label="metadata field" value=${node.field}
      onInput=${(e) => onChange({ ...node, field: e.target.value })}/>` : ''}
    <select class="rule-operator" aria-label="operator" value=${node.operator}
        onChange=${(e) => setOperator(e.target.value)}>
      ${ops.map((o) => html`<option value=${o}>${OPERATOR_LABEL[o]}</option>`)}
    </select>
    ${value}
  </div>`;
}

function Bought({ node, onChange }) {
  const b = node.bought;
  const by = b.category_ids ? 'category_ids' : 'product_ids';
  const set = (patch) => onChange({ bought: { ...b, ...patch } });
  return html`<div class="rule-row rule-bought">
    <span>bought</span>
    <input type="number" min="1" class="rule-small" aria-label="at least this many" value=${b.min_count ?? 1}
      onInput=${(e) => set({ min_count: Number(e.target.value) || 1 })}/>
    <span>× of</span>
    <select aria-label="products or categories" value=${by} onChange=${(e) => {
      const ids = b[by] || [];
      const next = { ...b };
      delete next.product_ids; delete next.category_ids;
      next[e.target.value] = ids;
      onChange({ bought: next });
    }}><option value="product_ids">products</option><option value="category_ids">categories</option></select>
    <input aria-label="ids, comma-separated" placeholder="ids, comma-separated" value=${(b[by] || []).join(', ')}
      onInput=${(e) => set({ [by]: splitList(e.target.value) })}/>
    <span>within</span>
    <input type="number" min="1" class="rule-small" aria-label="days" value=${b.within_days ?? ''}
      onInput=${(e) => {
        const next = { ...b, within_days: Number(e.target.value) };
        if (!e.target.value) delete next.within_days;
        onChange({ bought: next });
      }}/>
    <span>days</span>
  </div>`;
}

function Performed({ node, onChange }) {
  const p = node.performed;
  const bound = 'at_most' in p ? 'at_most' : 'at_least';
  const set = (patch) => onChange({ performed: { ...p, ...patch } });
  return html`<div class="rule-row rule-performed">
    <span>performed</span>
    <input list="event-types" aria-label="event type" value=${p.event} onInput=${(e) => set({ event: e.target.value })}/>
    <select aria-label="at least or at most" value=${bound} onChange=${(e) => {
      const k = p[bound];
      const next = { ...p };
      delete next.at_least; delete next.at_most;
      next[e.target.value] = k;
      onChange({ performed: next });
    }}><option value="at_least">at least</option><option value="at_most">at most</option></select>
    <input type="number" min="0" class="rule-small" aria-label="times" value=${p[bound]}
      onInput=${(e) => set({ [bound]: Number(e.target.value) })}/>
    <span>times within</span>
    <input type="number" min="1" class="rule-small" aria-label="days" value=${p.within_days}
      onInput=${(e) => set({ within_days: Number(e.target.value) })}/>
    <span>days</span>
  </div>`;
}

function AddMenu({ onAdd }) {
  return html`<div class="rule-add">
    <button type="button" class="link add-condition" onClick=${() => onAdd(NEW.condition())}>+ Condition</button>
    <button type="button" class="link add-any" onClick=${() => onAdd(NEW.any())}>+ Any-of group</button>
    <button type="button" class="link add-all" onClick=${() => onAdd(NEW.all())}>+ All-of group</button>
    <button type="button" class="link add-not" onClick=${() => onAdd(NEW.not())}>+ Not</button>
    <button type="button" class="link add-bought" onClick=${() => onAdd(NEW.bought())}>+ Bought</button>
    <button type="button" class="link add-performed" onClick=${() => onAdd(NEW.performed())}>+ Performed</button>
  </div>`;
}

function Node({ node, onChange, onRemove, funnel }) {
  const kind = kindOf(node);
  let body;
  if (kind === 'all' || kind === 'any') {
    const items = node[kind];
    body = html`<div class=${`rule-group rule-${kind}`}>
      <div class="rule-group-head">
        <select aria-label="group kind" value=${kind}
          onChange=${(e) => onChange({ [e.target.value]: items })}>
          <option value="all">All of these hold</option><option value="any">Any of these holds</option>
        </select>
      </div>
      <ol class="rule-items">${items.map((child, i) => html`<li key=${i}>
        <${Node} node=${child} onChange=${(c) => onChange({ [kind]: items.map((x, j) => (j === i ? c : x)) })}
          onRemove=${() => onChange({ [kind]: items.filter((_, j) => j !== i) })}/>
      </li>`)}</ol>
      <${AddMenu} onAdd=${(c) => onChange({ [kind]: [...items, c] })}/>
    </div>`;
  } else if (kind === 'not') {
    body = html`<div class="rule-group rule-not"><div class="rule-group-head"><strong>Not:</strong></div>
      <${Node} node=${node.not} onChange=${(c) => onChange({ not: c })}/></div>`;
  } else if (kind === 'bought') {
    body = html`<${Bought} node=${node} onChange=${onChange}/>`;
  } else if (kind === 'performed') {
    body = html`<${Performed} node=${node} onChange=${onChange}/>`;
  } else {
    body = html`<${Condition} node=${node} onChange=${onChange}/>`;
  }
  return html`<div class="rule-node">
    <div class="rule-body">${body}</div>
    ${funnel ? html`<div class="rule-funnel" title="customers before this rule → after it">
      ${funnel.count_before} → <strong>${funnel.count_now}</strong></div>` : ''}
    ${onRemove ? html`<button type="button" class="icon remove-rule" aria-label="remove" onClick=${onRemove}>×</button>` : ''}
  </div>`;
}

/**
 * rules: the top-level array (all of them must hold). funnel: the preview's per-rule counts,
 * shown beside each top-level rule.
 */
export function RuleBuilder({ rules, onChange, funnel }) {
  return html`<div class="rules" id="rules">
    <datalist id="times">${['1_days_ago', '7_days_ago', '30_days_ago', '90_days_ago', '180_days_ago', '365_days_ago']
      .map((v) => html`<option value=${v}/>`)}</datalist>
    <datalist id="spans">${['1_days', '7_days', '30_days', '90_days', '12_hours'].map((v) => html`<option value=${v}/>`)}</datalist>
    <datalist id="event-types">${EVENT_TYPES.map((v) => html`<option value=${v}/>`)}</datalist>
    <p class="muted">All of these hold:</p>
    <ol class="rule-items rule-top">${rules.map((r, i) => html`<li key=${i}>
      <${Node} node=${r} funnel=${funnel?.[i]}
        onChange=${(c) => onChange(rules.map((x, j) => (j === i ? c : x)))}
        onRemove=${rules.length > 1 ? () => onChange(rules.filter((_, j) => j !== i)) : null}/>
    </li>`)}</ol>
    <${AddMenu} onAdd=${(c) => onChange([...rules, c])}/>
  </div>`;
}
