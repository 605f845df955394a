import type { DeploymentTarget, Language, ToolConfigValue } from '../../agent-spec/schema.ts';
import type { ToolRegistry } from '../../tools/registry.ts';
import type { Span } from './evidence.ts';
import { type Found, findLanguage, findTarget } from './platform.ts';
import { type FoundSetting, findSettings } from './settings.ts';
import { chooseTools, type ToolChoice } from './tools.ts';
import { type FoundBudget, type FoundVolume, findBudget, findVolume } from './workload.ts';

/** What the builder's words say, each value with the words it was read from. Offline and deterministic. */
export interface Understanding {
  language?: Found<Language>;
  target?: Found<DeploymentTarget>;
  volume?: FoundVolume;
  budget?: FoundBudget;
  tools: ToolChoice;
  settings: FoundSetting[];
  /** Where the logistics were written, to keep them out of the drafted system prompt. */
  logistics: Span[];
}

/**
 * Reads a description (or one message): language, target, volume, budget, the tools it asks for in
 * `language` (or the language it names) on the target it names, and their settings. `knownTools`
 * are tools already chosen elsewhere, whose settings are read too.
 */
export function understand(
  text: string,
  tools: ToolRegistry,
  defaults: { language?: Language; target?: DeploymentTarget; knownTools?: readonly string[] } = {},
): Understanding {
  const language = findLanguage(text);
  const target = findTarget(text);
  const volume = findVolume(text);
  const budget = findBudget(text);
  const choice = chooseTools(
    tools,
    text,
    defaults.language ?? language?.value ?? 'typescript',
    defaults.target ?? target?.value,
  );
  const toolIds = [...new Set([...(defaults.knownTools ?? []), ...choice.picks.map((p) => p.toolId)])];
  return {
    ...(language ? { language } : {}),
    ...(target ? { target } : {}),
    ...(volume ? { volume } : {}),
    ...(budget ? { budget } : {}),
    tools: choice,
    settings: findSettings(text, toolIds),
    logistics: spansOf(language, target, volume, budget),
  };
}

/**
 * The spans of the logistics found: a language hint ("with pandas") is part of the job; an explicit
 * statement ("in Python"), the target, the volume and the budget are logistics.
 */
function spansOf(language: Found<Language> | undefined, ...rest: ({ span: Span } | undefined)[]): Span[] {
  return [language?.explicit ? language : undefined, ...rest].flatMap((f) => (f ? [f.span] : []));
}

/** Where a text states its logistics (language, target, volume, budget): kept out of the drafted prompt. */
export function logisticsOf(text: string): Span[] {
  return spansOf(findLanguage(text), findTarget(text), findVolume(text), findBudget(text));
}

/** Reads a short reply as the answer to one question (a setting's value, a name, a number). */
export function answerTo(
  field: string,
  text: string,
  tools: ToolRegistry,
): { key: string; value: ToolConfigValue } | undefined {
  const reply = text.trim().replace(/^["'`]|["'`.]$/g, '');
  if (field === 'name' && reply.length <= 80) return { key: 'name', value: reply };
  const setting = /^toolConfig\.([a-z0-9_]+)\.([A-Za-z0-9]+)$/.exec(field);
  if (!setting) return undefined;
  const param = tools.find(setting[1] ?? '')?.config.find((p) => p.name === setting[2]);
  if (!param) return undefined;
  // Take the value after "it's", "use", "the id is" and similar lead-ins.
  const value = reply.replace(/^(it'?s|it is|use|the [\w\s]+ is|called|named)\s+/i, '').trim();
  switch (param.type) {
    case 'string':
      if (/\s/.test(value) && !param.enum) return undefined;
      if (param.enum && !param.enum.includes(value)) return undefined;
      return value ? { key: field, value } : undefined;
    case 'string-list': {
      const items = value.split(/[\s,;]+(?:and\s+)?/).filter(Boolean);
      return items.length > 0 ? { key: field, value: items } : undefined;
    }
    case 'integer':
    case 'number': {
      const n = Number(value.replaceAll(',', ''));
      if (!Number.isFinite(n) || (param.type === 'integer' && !Number.isInteger(n))) return undefined;
      return { key: field, value: n };
    }
    case 'boolean':
      if (/^(yes|y|true|allow|on)$/i.test(value)) return { key: field, value: true };
      if (/^(no|n|false|deny|off)$/i.test(value)) return { key: field, value: false };
      return undefined;
  }
}
