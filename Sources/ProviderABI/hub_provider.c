/* The header is the contract; this file only pins its layout so an accidental reorder fails the build. */
#include "hub_provider.h"

_Static_assert(sizeof(hub_str) == 2 * sizeof(void *), "hub_str is a pointer and a length");
_Static_assert(offsetof(hub_provider, struct_size) == 0, "struct_size comes first");
_Static_assert(offsetof(hub_tool, struct_size) == 0, "struct_size comes first");
_Static_assert(offsetof(hub_host_api, struct_size) == 0, "struct_size comes first");
_Static_assert(sizeof(hub_status) == 4, "hub_status is 32 bits");
