import type Handlebars from 'handlebars';

type TemplateSpecification = Parameters<typeof Handlebars.template>[0];

/** Templates compiled ahead of time: what `templates/` held when a bundle was built, and its version. */
export interface PrecompiledTemplates {
  version: string;
  templates: Record<string, TemplateSpecification>;
}

/**
 * Undefined in the sources (templates compile from `templates/` on first use); the CLI bundle
 * (scripts/cli-bundle.mjs) replaces this module with the templates precompiled at build time, so a
 * command starts without compiling them.
 */
export const PRECOMPILED: PrecompiledTemplates | undefined = undefined;
