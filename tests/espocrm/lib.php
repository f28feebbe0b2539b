<?php
/*
 * Helpers of the end-to-end suite: an HTTP client for EspoCRM's API, a WAMP v1 client over
 * WebSocket (what EspoCRM's browser client speaks to the daemon), and the check log.
 */

final class Checks
{
    /** @var list<array{string, bool, string}> */
    public array $results = [];

    public function ok(string $name, bool $condition, string $detail = ''): bool
    {
        $this->results[] = [$name, $condition, $detail];
        printf("%s %s%s\n", $condition ? 'ok  ' : 'FAIL', $name, $detail !== '' && !$condition ? "  -- $detail" : '');

        return $condition;
    }

    public function failed(): int
    {
        return count(array_filter($this->results, fn ($r) => !$r[1]));
    }
}

final class Reply
{
    public function __construct(
        public readonly int $status,
        /** @var array<string, string> lower-case names */
        public readonly array $headers,
        public readonly string $raw,
        public readonly mixed $body,
    ) {}

    public function reason(): string
    {
        return $this->headers['x-status-reason'] ?? '';
    }

    public function describe(): string
    {
        return "HTTP {$this->status}" . ($this->reason() !== '' ? " ({$this->reason()})" : '') . ' ' . substr($this->raw, 0, 300);
    }
}

final class Api
{
    public function __construct(private string $baseUrl, private string $user, private string $password) {}

    public function userName(): string
    {
        return $this->user;
    }

    /** @param array<string, mixed>|string|null $body a string is sent as is (invalid JSON tests) */
    public function request(string $method, string $path, array|string|null $body = null, array $query = [], array $headers = []): Reply
    {
        $url = rtrim($this->baseUrl, '/') . '/' . ltrim($path, '/');

        if ($query !== []) {
            $url .= '?' . http_build_query($query);
        }

        $ch = curl_init($url);
        $responseHeaders = [];
        $headers[] = 'Espo-Authorization: ' . base64_encode($this->user . ':' . $this->password);
        $headers[] = 'Accept: application/json';

        if ($body !== null) {
            $headers[] = 'Content-Type: application/json';
            curl_setopt($ch, CURLOPT_POSTFIELDS, is_string($body) ? $body : json_encode($body));
        }

        curl_setopt_array($ch, [
            CURLOPT_CUSTOMREQUEST => $method,
            CURLOPT_RETURNTRANSFER => true,
            CURLOPT_HTTPHEADER => $headers,
            CURLOPT_TIMEOUT => 60,
            CURLOPT_HEADERFUNCTION => function ($ch, string $line) use (&$responseHeaders) {
                if (str_contains($line, ':')) {
                    [$name, $value] = explode(':', $line, 2);
                    $responseHeaders[strtolower(trim($name))] = trim($value);
                }

                return strlen($line);
            },
        ]);
        $raw = curl_exec($ch);

        if ($raw === false) {
            throw new RuntimeException("$method $url: " . curl_error($ch));
        }

        $status = (int) curl_getinfo($ch, CURLINFO_RESPONSE_CODE);
        curl_close($ch);

        return new Reply($status, $responseHeaders, $raw, json_decode($raw, true));
    }

    public function get(string $path, array $query = []): Reply
    {
        return $this->request('GET', $path, null, $query);
    }

    public function post(string $path, array|string $body = []): Reply
    {
        return $this->request('POST', $path, $body);
    }

    public function put(string $path, array|string $body = []): Reply
    {
        return $this->request('PUT', $path, $body);
    }

    public function delete(string $path, ?array $body = null): Reply
    {
        return $this->request('DELETE', $path, $body);
    }

    /** @return array{token: string, userId: string} */
    public function wsCredentials(): array
    {
        $reply = $this->request('GET', 'App/user', null, [], ['Espo-Authorization-Create-Token-Secret: true']);

        if ($reply->status !== 200 || empty($reply->body['token'])) {
            throw new RuntimeException('no auth token for ' . $this->user . ': ' . $reply->describe());
        }

        return ['token' => $reply->body['token'], 'userId' => $reply->body['user']['id']];
    }
}

/**
 * A WAMP v1 client over WebSocket (RFC 6455, subprotocol "wamp"): WELCOME [0, session, 1, ident],
 * SUBSCRIBE [5, topic], EVENT [8, topic, data]. Events are stamped with hrtime when read.
 */
final class Wamp
{
    /** @var resource */
    private $socket;
    private string $buffer = '';
    public ?string $sessionId = null;
    /** @var list<array{topic: string, data: mixed, at: float}> */
    public array $events = [];
    public bool $closed = false;

    public function __construct(string $wsUrl, string $token, string $userId)
    {
        $parts = parse_url($wsUrl);
        $host = $parts['host'];
        $port = $parts['port'] ?? 80;
        $socket = @stream_socket_client("tcp://$host:$port", $errno, $errstr, 5.0);

        if (!$socket) {
            throw new RuntimeException("WebSocket $host:$port: $errstr");
        }

        $this->socket = $socket;
        $key = base64_encode(random_bytes(16));
        $path = '/?' . http_build_query(['authToken' => $token, 'userId' => $userId]);
        fwrite($socket, "GET $path HTTP/1.1\r\nHost: $host:$port\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" .
            "Sec-WebSocket-Key: $key\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: wamp\r\n" .
            "Origin: http://$host\r\n\r\n");
        stream_set_blocking($socket, false);
        $deadline = microtime(true) + 10;

        while (!str_contains($this->buffer, "\r\n\r\n")) {
            $this->fill(max(0.0, $deadline - microtime(true)));

            if (microtime(true) > $deadline || $this->closed) {
                throw new RuntimeException('WebSocket handshake: no answer ' . substr($this->buffer, 0, 200));
            }
        }

        [$head, $this->buffer] = explode("\r\n\r\n", $this->buffer, 2);

        if (!str_contains(strtok($head, "\r\n"), '101')) {
            throw new RuntimeException('WebSocket handshake refused: ' . strtok($head, "\r\n"));
        }

        // WELCOME comes after the daemon checked the token.
        $deadline = microtime(true) + 15;

        while ($this->sessionId === null) {
            $this->pump(min(0.2, max(0.01, $deadline - microtime(true))));

            if ($this->sessionId === null && (microtime(true) > $deadline || $this->closed)) {
                throw new RuntimeException('WAMP: no WELCOME (token refused?)');
            }
        }
    }

    public function subscribe(string $topic): void
    {
        $this->send(json_encode([5, $topic]));
    }

    public function unsubscribe(string $topic): void
    {
        $this->send(json_encode([6, $topic]));
    }

    /**
     * Handles the frames already received; if there were none, waits at most $timeout seconds
     * for bytes and handles what came.
     */
    public function pump(float $timeout): void
    {
        if ($this->handleFrames() === 0) {
            $this->fill($timeout);
            $this->handleFrames();
        }
    }

    private function handleFrames(): int
    {
        $count = 0;

        while (!$this->closed && ($frame = $this->frame()) !== null) {
            $count++;
            [$opcode, $payload] = $frame;

            if ($opcode === 0x8) {
                $this->closed = true;

                break;
            }

            if ($opcode === 0x9) {
                $this->sendFrame(0xA, $payload);

                continue;
            }

            if ($opcode !== 0x1) {
                continue;
            }

            $message = json_decode($payload, true);

            if (!is_array($message)) {
                continue;
            }

            if ($message[0] === 0) {
                $this->sessionId = (string) $message[1];
            } elseif ($message[0] === 8) {
                $this->events[] = ['topic' => $message[1], 'data' => $message[2] ?? null, 'at' => hrtime(true) / 1e9];
            }
        }

        return $count;
    }

    /**
     * Waits until an event matches, or the timeout.
     *
     * @param callable(array): bool $match
     */
    public function waitFor(callable $match, float $timeout): ?array
    {
        $deadline = microtime(true) + $timeout;

        while (true) {
            foreach ($this->events as $i => $event) {
                if ($match($event)) {
                    unset($this->events[$i]);

                    return $event;
                }
            }

            $left = $deadline - microtime(true);

            if ($left <= 0 || $this->closed) {
                return null;
            }

            $this->pump(min($left, 0.2));
        }
    }

    /** @return resource */
    public function stream()
    {
        return $this->socket;
    }

    public function close(): void
    {
        if (!$this->closed) {
            @$this->sendFrame(0x8, '');
            $this->closed = true;
        }

        @fclose($this->socket);
    }

    private function fill(float $timeout): void
    {
        $read = [$this->socket];
        $write = $except = null;
        $sec = (int) $timeout;
        $usec = (int) (($timeout - $sec) * 1e6);

        if (@stream_select($read, $write, $except, $sec, $usec) > 0) {
            while (true) {
                $chunk = fread($this->socket, 65536);

                if ($chunk === '' || $chunk === false) {
                    if (feof($this->socket)) {
                        $this->closed = true;
                    }

                    break;
                }

                $this->buffer .= $chunk;
            }
        }
    }

    /** @return array{int, string}|null */
    private function frame(): ?array
    {
        $b = $this->buffer;

        if (strlen($b) < 2) {
            return null;
        }

        $opcode = ord($b[0]) & 0x0F;
        $masked = (ord($b[1]) & 0x80) !== 0;
        $length = ord($b[1]) & 0x7F;
        $offset = 2;

        if ($length === 126) {
            if (strlen($b) < 4) {
                return null;
            }

            $length = unpack('n', substr($b, 2, 2))[1];
            $offset = 4;
        } elseif ($length === 127) {
            if (strlen($b) < 10) {
                return null;
            }

            $length = unpack('J', substr($b, 2, 8))[1];
            $offset = 10;
        }

        $mask = '';

        if ($masked) {
            $mask = substr($b, $offset, 4);
            $offset += 4;
        }

        if (strlen($b) < $offset + $length) {
            return null;
        }

        $payload = substr($b, $offset, $length);

        if ($masked) {
            for ($i = 0; $i < $length; $i++) {
                $payload[$i] = $payload[$i] ^ $mask[$i % 4];
            }
        }

        $this->buffer = substr($b, $offset + $length);

        return [$opcode, $payload];
    }

    private function send(string $text): void
    {
        $this->sendFrame(0x1, $text);
    }

    private function sendFrame(int $opcode, string $payload): void
    {
        $length = strlen($payload);
        $head = chr(0x80 | $opcode);

        if ($length < 126) {
            $head .= chr(0x80 | $length);
        } elseif ($length < 65536) {
            $head .= chr(0x80 | 126) . pack('n', $length);
        } else {
            $head .= chr(0x80 | 127) . pack('J', $length);
        }

        $mask = random_bytes(4);

        for ($i = 0; $i < $length; $i++) {
            $payload[$i] = $payload[$i] ^ $mask[$i % 4];
        }

        stream_set_blocking($this->socket, true);
        fwrite($this->socket, $head . $mask . $payload);
        stream_set_blocking($this->socket, false);
    }
}

/** @param list<float> $values */
function percentile(array $values, float $p): float
{
    if ($values === []) {
        return NAN;
    }

    sort($values);
    $index = (int) ceil($p / 100 * count($values)) - 1;

    return $values[max(0, min(count($values) - 1, $index))];
}
