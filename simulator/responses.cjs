'use strict';
/**
 * Response helpers every endpoint of the simulator shares: JSON and HTML answers, Kizen's 404 and
 * 405 bodies, query-string booleans and DRF-style page-number pagination (`{count, next, previous,
 * results}`, page_size ≤ 1000, 404 "Invalid page." past the end).
 */

const truthy = (v) => v !== undefined && ['true', '1', 'yes'].includes(String(v).toLowerCase());
const json = (status, body) => ({ status, body });
const html = (status, title, text) => ({
	status,
	html: `<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>${title}</title></head><body><h1>${title}</h1><p>${text}</p></body></html>\n`,
});
const NOT_FOUND_HTML = () => html(404, 'Not Found', 'The requested resource was not found on this server.');
const NOT_FOUND = () => json(404, { detail: 'Not found.' });
const methodNotAllowed = (method) => json(405, { detail: `Method "${method}" not allowed.` });

function paginate(ctx, items, { defaultSize = 100 } = {}) {
	const pageSizeRaw = ctx.query.page_size;
	const pageRaw = ctx.query.page;
	let pageSize = defaultSize;
	if (pageSizeRaw !== undefined) {
		if (!/^\d+$/.test(pageSizeRaw) || +pageSizeRaw < 1) return { error: json(400, { page_size: ['A valid integer greater than or equal to 1 is required.'] }) };
		if (+pageSizeRaw > 1000) return { error: json(400, { page_size: ['Ensure this value is less than or equal to 1000.'] }) };
		pageSize = +pageSizeRaw;
	}
	let page = 1;
	if (pageRaw !== undefined) {
		if (!/^\d+$/.test(pageRaw) || +pageRaw < 1) return { error: json(404, { detail: 'Invalid page.' }) };
		page = +pageRaw;
	}
	const pages = Math.max(1, Math.ceil(items.length / pageSize));
	if (page > pages) return { error: json(404, { detail: 'Invalid page.' }) };
	const link = (n) => {
		const q = new URLSearchParams(ctx.rawQuery);
		q.set('page', String(n));
		return `http://${ctx.host}${ctx.path}?${q.toString()}`;
	};
	return {
		page: {
			count: items.length,
			next: page < pages ? link(page + 1) : null,
			previous: page > 1 ? link(page - 1) : null,
			results: items.slice((page - 1) * pageSize, page * pageSize),
		},
	};
}

module.exports = { truthy, json, html, NOT_FOUND_HTML, NOT_FOUND, methodNotAllowed, paginate };
