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
#include <libxml/SAX2.h>
#include <libxml/parserInternals.h>

// xmlFree is a global function pointer: Swift 6 rejects it as shared mutable state.
static inline void herold_xmlFree(void *p) { xmlFree(p); }

// libxml2's depth limit (a global variable, read-only for Herold; 256 unless changed).
static inline unsigned int herold_xmlParserMaxDepth(void) { return xmlParserMaxDepth; }

// libxml2 reports errors raised without a parser context (the encoding converters' "input
// conversion failed ...") through its per-thread structured error function, and a few
// messages ("xmlParseChunk: encoder error") through its per-thread printf-style one; both go
// to stderr by default. herold_collectErrors points the structured one at `handler` and
// drops the printf-style ones (Swift cannot define a variadic C function, so that one is
// here) until herold_restoreErrors puts the saved ones back.
static void herold_dropGenericError(void *ctx, const char *msg, ...) {
    (void)ctx;
    (void)msg;
}
typedef struct {
    xmlGenericErrorFunc generic;
    void *genericContext;
    xmlStructuredErrorFunc structured;
    void *structuredContext;
} herold_ErrorHandlers;
static inline herold_ErrorHandlers herold_collectErrors(void *context, xmlStructuredErrorFunc handler) {
    herold_ErrorHandlers saved = {xmlGenericError, xmlGenericErrorContext, xmlStructuredError,
                                  xmlStructuredErrorContext};
    xmlSetGenericErrorFunc(NULL, herold_dropGenericError);
    xmlSetStructuredErrorFunc(context, handler);
    return saved;
}
static inline void herold_restoreErrors(herold_ErrorHandlers saved) {
    xmlSetGenericErrorFunc(saved.genericContext, saved.generic);
    xmlSetStructuredErrorFunc(saved.structuredContext, saved.structured);
}

#endif
