"""`POST /v1/feedback`: pain points in the customer's words, from help desks, surveys and CSMs."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from banso_ingest.api.deps import IngestDep
from banso_ingest.api.handling import admitted, answer, authenticate, read_json, remember
from banso_ingest.api.shapes import FeedbackBatch, FeedbackItem
from banso_ingest.api.tracking import ANSWERS
from banso_ingest.domain.feedback import parse_feedback_body
from banso_ingest.domain.requests import random_message_id
from banso_ingest.service.intake import IngestResult

router = APIRouter(tags=["feedback"])


@router.post(
    "/v1/feedback",
    summary="Send feedback items (tickets, NPS comments, CSM notes, ...).",
    responses=ANSWERS,
    openapi_extra={
        "requestBody": {
            "required": True,
            "description": "One item, or many as `items`.",
            "content": {
                "application/json": {
                    "schema": {
                        "anyOf": [
                            {"$ref": f"#/components/schemas/{FeedbackItem.__name__}"},
                            {"$ref": f"#/components/schemas/{FeedbackBatch.__name__}"},
                        ]
                    }
                }
            },
        },
        "security": [{"WriteKey": []}],
    },
)
async def feedback(request: Request, ingest: IngestDep) -> Response:
    """Send one feedback item as the body, or many as `{"items": [...]}`.

    Each item: `text`, `kind` (support_ticket, nps_comment, csm_note, churn_reason,
    feature_request), `account` (or a `user` already grouped with one), and optionally `user`,
    `score` (0-10), `language`, `external_id`, `url`, `timestamp`, `id` (for dedupe).
    """
    async with admitted(request, ingest, "feedback"):
        read = await read_json(request, ingest)
        items, rejections = parse_feedback_body(
            read.data,
            received_at=ingest.clock.now(),
            limits=ingest.limits,
            body_bytes=read.size,
            new_message_id=random_message_id,
        )
        body_key = read.data.get("writeKey") if isinstance(read.data, dict) else None
        source = await authenticate(
            ingest, read.header_key, body_key if isinstance(body_key, str) else None
        )
        result: IngestResult = await ingest.intake.feedback(items, rejections, source)
        remember(ingest, source, ingest.clock.now(), result)
        return answer(ingest, "feedback", result, single=False)
