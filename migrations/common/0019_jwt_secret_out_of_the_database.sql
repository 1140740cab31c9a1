-- The JWT signing secret no longer lives in the database (anyone able to read it, a backup or a
-- PBX node's realtime user, could sign admin tokens): it comes from PBXGW_JWT_SECRET or an
-- owner-only file. Only its SHA-256 is kept, for replicas to notice they disagree. Tokens signed
-- with the old stored secret stop working (they live 15 minutes). Same text for both backends.
DELETE FROM gw_settings WHERE gw_name = 'jwt_secret';
