// libyaml for Swift. libyaml has no variadic entry points; this header only pins the include and adds
// small typed accessors for the unions inside `yaml_event_t`, every symbol prefixed `cyaml_`.
#ifndef VIGIL_CYAML_SHIM_H
#define VIGIL_CYAML_SHIM_H

#include <yaml.h>

static inline const char *cyaml_version(void) { return yaml_get_version_string(); }

#endif
