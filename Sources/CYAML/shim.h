// libyaml for Swift. libyaml has no variadic entry points; this header only pins the include and adds
// small typed accessors for the unions inside `yaml_event_t` and the error fields of `yaml_parser_t`,
// every symbol prefixed `cyaml_`.
#ifndef VIGIL_CYAML_SHIM_H
#define VIGIL_CYAML_SHIM_H

#include <stddef.h>
#include <yaml.h>

static inline const char *cyaml_version(void) { return yaml_get_version_string(); }

// MARK: Parser lifetime

/// Initializes `parser` over `size` bytes at `input`. libyaml keeps the pointer: the caller keeps the
/// bytes alive and unchanged until `cyaml_parser_delete`. Returns 0 when libyaml could not allocate.
static inline int cyaml_parser_initialize(yaml_parser_t *parser, const unsigned char *input, size_t size) {
    if (!yaml_parser_initialize(parser)) return 0;
    yaml_parser_set_input_string(parser, input, size);
    return 1;
}

static inline void cyaml_parser_delete(yaml_parser_t *parser) { yaml_parser_delete(parser); }

/// Parses the next event into `event`. Returns 0 on error (see the `cyaml_parser_error*` accessors).
static inline int cyaml_parser_parse(yaml_parser_t *parser, yaml_event_t *event) {
    return yaml_parser_parse(parser, event);
}

static inline void cyaml_event_delete(yaml_event_t *event) { yaml_event_delete(event); }

// MARK: Parser errors

static inline yaml_error_type_t cyaml_parser_error(const yaml_parser_t *parser) { return parser->error; }
static inline const char *cyaml_parser_problem(const yaml_parser_t *parser) { return parser->problem; }
static inline size_t cyaml_parser_problem_offset(const yaml_parser_t *parser) { return parser->problem_offset; }
static inline int cyaml_parser_problem_value(const yaml_parser_t *parser) { return parser->problem_value; }
static inline yaml_mark_t cyaml_parser_problem_mark(const yaml_parser_t *parser) { return parser->problem_mark; }
static inline const char *cyaml_parser_context(const yaml_parser_t *parser) { return parser->context; }
static inline yaml_mark_t cyaml_parser_context_mark(const yaml_parser_t *parser) { return parser->context_mark; }

// MARK: Events

static inline yaml_event_type_t cyaml_event_type(const yaml_event_t *event) { return event->type; }
static inline yaml_mark_t cyaml_event_start_mark(const yaml_event_t *event) { return event->start_mark; }

/// The anchor of an alias, scalar, sequence-start or mapping-start event; NULL for other events or none.
static inline const unsigned char *cyaml_event_anchor(const yaml_event_t *event) {
    switch (event->type) {
    case YAML_ALIAS_EVENT: return event->data.alias.anchor;
    case YAML_SCALAR_EVENT: return event->data.scalar.anchor;
    case YAML_SEQUENCE_START_EVENT: return event->data.sequence_start.anchor;
    case YAML_MAPPING_START_EVENT: return event->data.mapping_start.anchor;
    default: return NULL;
    }
}

/// The resolved tag (handles expanded, e.g. `tag:yaml.org,2002:str`) of a scalar, sequence-start or
/// mapping-start event; NULL when the node has no explicit tag.
static inline const unsigned char *cyaml_event_tag(const yaml_event_t *event) {
    switch (event->type) {
    case YAML_SCALAR_EVENT: return event->data.scalar.tag;
    case YAML_SEQUENCE_START_EVENT: return event->data.sequence_start.tag;
    case YAML_MAPPING_START_EVENT: return event->data.mapping_start.tag;
    default: return NULL;
    }
}

static inline const unsigned char *cyaml_scalar_value(const yaml_event_t *event) {
    return event->type == YAML_SCALAR_EVENT ? event->data.scalar.value : NULL;
}

static inline size_t cyaml_scalar_length(const yaml_event_t *event) {
    return event->type == YAML_SCALAR_EVENT ? event->data.scalar.length : 0;
}

static inline yaml_scalar_style_t cyaml_scalar_style(const yaml_event_t *event) {
    return event->type == YAML_SCALAR_EVENT ? event->data.scalar.style : YAML_ANY_SCALAR_STYLE;
}

/// Whether the scalar is plain and untagged, so that its type comes from implicit resolution.
static inline int cyaml_scalar_plain_implicit(const yaml_event_t *event) {
    return event->type == YAML_SCALAR_EVENT ? event->data.scalar.plain_implicit : 0;
}

#endif
