package dev.relay.testsupport.featurefixtures.publicity.shop;

/** Package-private, as it should be. */
class Shop {

    final Shelf shelf = new Shelf();
}
