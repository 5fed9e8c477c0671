package dev.relay.testsupport.featurefixtures.publicity.shop;

/** Public, though nothing outside its package uses it. */
public class Shelf {

    int items;
}
