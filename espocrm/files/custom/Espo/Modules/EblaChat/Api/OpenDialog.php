<?php

namespace Espo\Modules\EblaChat\Api;

use Espo\Core\Api\Request;
use Espo\Modules\EblaChat\Classes\Input;

/**
 * POST EblaChat/dialogs {memberIds, name?, parentType?, parentId?}: the direct dialog of a pair is
 * reused, anything else makes a new group dialog.
 */
class OpenDialog extends Base
{
    protected function scopeAction(): string
    {
        return 'create';
    }

    protected function handle(Request $request): mixed
    {
        $body = Input::body($request);
        $memberIds = Input::stringList($body, 'memberIds', true);
        $options = ['acl' => $this->engine->aclOption()];

        $name = Input::optionalString($body, 'name');

        if ($name !== null) {
            $options['name'] = $name;
        }

        $parentType = Input::optionalString($body, 'parentType');
        $parentId = Input::optionalString($body, 'parentId');

        if ($parentType !== null || $parentId !== null) {
            $this->engine->checkParent($parentType, $parentId);
            $options['parentType'] = $parentType;
            $options['parentId'] = $parentId;
        }

        return ebla_chat_dialog_open($this->engine->pdo(), $this->engine->actorId(), $memberIds, $options);
    }
}
