#ifndef HEROLD_CLIBXML2_SHIM_H
#define HEROLD_CLIBXML2_SHIM_H

#include <stdint.h>
#include <libxml/xmlversion.h>

// Debian's libxml2 is built with ICU and <libxml/encoding.h> includes the
// system <unicode/ucnv.h>, whose types clash with the ICU module that
// Foundation ships ("'UErrorCode' has different definitions"). libxml2 only
// needs the two names below, so declare them and keep ICU's header out.
#if defined(LIBXML_ICU_ENABLED) && !defined(UCNV_H)
#define UCNV_H
typedef struct UConverter UConverter;
typedef uint16_t UChar;
#endif

#include <libxml/parser.h>
#include <libxml/HTMLparser.h>
#include <libxml/HTMLtree.h>
#include <libxml/tree.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>
#include <libxml/xmlreader.h>
#include <libxml/xmlsave.h>
#include <libxml/xmlerror.h>
#include <libxml/entities.h>

// xmlFree is a global function pointer: Swift 6 rejects it as shared mutable state.
static inline void herold_xmlFree(void *p) { xmlFree(p); }

#endif
