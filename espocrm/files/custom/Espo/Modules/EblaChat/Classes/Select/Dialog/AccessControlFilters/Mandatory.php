<?php

namespace Espo\Modules\EblaChat\Classes\Select\Dialog\AccessControlFilters;

use Espo\Core\Select\AccessControl\Filter;
use Espo\Entities\User;
use Espo\ORM\Query\SelectBuilder;

/**
 * EspoCRM's list of dialogs (#Dialog, GET Dialog) holds the user's own dialogs, by membership,
 * whatever read level the role gives; admins see all.
 */
class Mandatory implements Filter
{
    public function __construct(private User $user) {}

    public function apply(SelectBuilder $queryBuilder): void
    {
        if ($this->user->isAdmin()) {
            return;
        }

        $queryBuilder->where([
            'id=s' => SelectBuilder::create()
                ->select('dialogId')
                ->from('DialogUser')
                ->where([
                    'userId' => $this->user->getId(),
                    'deleted' => false,
                ])
                ->build(),
        ]);
    }
}
