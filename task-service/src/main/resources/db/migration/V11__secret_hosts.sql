-- The hosts a secret may be sent to (http_request fills {{secrets.NAME}} only into the headers and body of a request
-- to one of them): lower-case names or *.suffix entries, comma-separated. Secrets stored before hosts existed have
-- none (NULL) and are refused to every run until they are stored again with their hosts.
ALTER TABLE secret ADD COLUMN hosts text;
