<?php

namespace Espo\Modules\EblaChat\Classes\WebSocket;

use InvalidArgumentException;

/**
 * Where the subscriber connects, read from the extension's INI ebla_chat.redis_url (the URL forms
 * the extension accepts: tcp://, redis://, unix://, user and password, ?password=&user=&db=;
 * the database number does not matter to pub/sub).
 */
class RedisTarget
{
    private function __construct(
        public readonly string $uri,
        public readonly ?string $user,
        public readonly ?string $password,
        public readonly string $display,
    ) {}

    /** @throws InvalidArgumentException */
    public static function fromUrl(string $url): self
    {
        if ($url === '') {
            throw new InvalidArgumentException('ebla_chat.redis_url is empty: the chat publishes nothing');
        }

        if (str_starts_with($url, 'unix://')) {
            $rest = substr($url, 7);
            $query = '';

            if (($q = strpos($rest, '?')) !== false) {
                $query = substr($rest, $q + 1);
                $rest = substr($rest, 0, $q);
            }

            [$user, $password] = self::query($query, null, null);

            return new self('unix://' . $rest, $user, $password, 'unix://' . $rest);
        }

        $parts = parse_url($url);

        if ($parts === false || !in_array($parts['scheme'] ?? '', ['tcp', 'redis'], true) || empty($parts['host'])) {
            throw new InvalidArgumentException('ebla_chat.redis_url is not a tcp://, redis:// or unix:// URL');
        }

        $host = $parts['host'];
        $port = $parts['port'] ?? 6379;
        $user = isset($parts['user']) && $parts['user'] !== '' ? rawurldecode($parts['user']) : null;
        $password = isset($parts['pass']) ? rawurldecode($parts['pass']) : null;
        [$user, $password] = self::query($parts['query'] ?? '', $user, $password);

        if ($password === null && $user !== null && !isset($parts['pass'])) {
            // tcp://secret@host: a lone user part is the password (AUTH <password>).
            [$user, $password] = [null, $user];
        }

        return new self("tcp://$host:$port", $user, $password, "$host:$port");
    }

    /** @return array{0: ?string, 1: ?string} */
    private static function query(string $query, ?string $user, ?string $password): array
    {
        parse_str($query, $params);

        foreach ($params as $key => $value) {
            if (!is_string($value)) {
                continue;
            }

            match ($key) {
                'password', 'auth' => $password = $value,
                'user' => $user = $value,
                default => null,
            };
        }

        return [$user, $password];
    }

    public function authCommand(): ?string
    {
        if ($this->password === null) {
            return null;
        }

        return $this->user !== null ?
            RespParser::command('AUTH', $this->user, $this->password) :
            RespParser::command('AUTH', $this->password);
    }
}
