"""Server-rendered pages: the items, a page at a time, and one item.

Async views: the queries go through Django's async ORM.
"""

from typing import Any

from django.core.paginator import AsyncPaginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import aget_object_or_404, render
from django.views.decorators.http import require_safe

from app.selectors.items import item_list

PAGE_SIZE = 20


@require_safe
async def item_list_page(request: HttpRequest) -> HttpResponse:
    paginator = AsyncPaginator(item_list(), PAGE_SIZE)
    page = await paginator.aget_page(request.GET.get("page"))
    context: dict[str, Any] = {
        "items": await page.aget_object_list(),
        "total": await paginator.acount(),
        "number": page.number,
        "num_pages": await paginator.anum_pages(),
        "previous": await page.aprevious_page_number() if await page.ahas_previous() else None,
        "next": await page.anext_page_number() if await page.ahas_next() else None,
    }
    return render(request, "items/item_list.html", context)


@require_safe
async def item_detail_page(request: HttpRequest, pk: int) -> HttpResponse:
    item = await aget_object_or_404(item_list(), pk=pk)
    return render(request, "items/item_detail.html", {"item": item})
