<?php

namespace Espo\Modules\EblaChat\Api;

use Espo\Core\Api\Action;
use Espo\Core\Api\Request;
use Espo\Core\Api\Response;
use Espo\Core\Api\ResponseComposer;
use Espo\Modules\EblaChat\Classes\Engine;

/**
 * Every route of the chat API: scope access first (403 without a role giving the Dialog scope),
 * then the engine call with its exceptions mapped to 400/403/404.
 */
abstract class Base implements Action
{
    public function __construct(protected Engine $engine) {}

    public function process(Request $request): Response
    {
        $this->engine->requireScope($this->scopeAction());

        $result = $this->engine->call(fn () => $this->handle($request));

        return ResponseComposer::json($result);
    }

    /** The Dialog scope action the route needs. */
    protected function scopeAction(): string
    {
        return 'read';
    }

    abstract protected function handle(Request $request): mixed;

    /**
     * The unread answer with `dialogs` as a JSON object even when empty.
     *
     * @param array{total: int, dialogs: array<string, int>} $unread
     */
    protected static function unreadShape(array $unread): object
    {
        return (object) ['total' => $unread['total'], 'dialogs' => (object) $unread['dialogs']];
    }
}
