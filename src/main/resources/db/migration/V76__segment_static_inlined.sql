-- Issue 17 (thirtieth pass): whether a segment is static, as a set-returning function.
--
-- The customer list of a static segment asked segment_is_static(store, segment) (V56) once a page.
-- A scalar SQL function whose body has a sub-select is never inlined: PostgreSQL runs it as a
-- function and plans its body at every call, ~0.4 ms and ~50 buffers of a page that otherwise reads
-- ~10 (1,000,000 customers, bench/README.md, thirtieth pass). A set-returning SQL function with one
-- SELECT is inlined into the calling statement: the same check becomes one probe of the segments key.
-- One row: true when the segment exists in the store and is static, else false.
CREATE FUNCTION segment_static(p_store text, p_segment text) RETURNS TABLE (is_static boolean)
  LANGUAGE sql STABLE
AS $$
  SELECT EXISTS (SELECT 1 FROM segments g WHERE g.store_id = p_store AND g.id = p_segment AND g.type = 'static')
$$;
